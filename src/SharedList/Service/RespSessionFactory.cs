using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedList.Metrics;
using SharedList.Protocol.Resp;
using SharedList.Stores;
using SocketServer.Sessions;

namespace SharedList.Service;

/// <summary>Creates a Redis-protocol session per connection, all on one store: the one the line protocol serves, or any other.</summary>
/// <remarks>Threading: <see cref="CreateSession"/> is safe from any thread. Stream connections only: RESP has no datagram form.</remarks>
public sealed class RespSessionFactory : ISessionFactory
{
    /// <summary>Creates the factory.</summary>
    /// <param name="store">The store whose lists the sessions serve by name. Not disposed by the factory.</param>
    /// <param name="password">The password of <c>AUTH</c>; null for none.</param>
    /// <param name="outputBudgetBytes">Reply bytes written before the server sends them (<see cref="SharedListOptions.OutputBudgetBytes"/>).</param>
    /// <param name="maxBulkBytes">The largest argument (<see cref="RespLimits.MaxBulkBytes"/>).</param>
    /// <param name="logger">Where authentication and protocol errors go; none by default.</param>
    public RespSessionFactory(IListStore store, Password? password = null, int outputBudgetBytes = SharedListOptions.DefaultOutputBudgetBytes, int maxBulkBytes = SharedListOptions.DefaultMaxMessageBytes, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputBudgetBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBulkBytes);
        Store = store;
        Password = password;
        OutputBudget = outputBudgetBytes;
        Logger = logger ?? NullLogger.Instance;
        Reader = new RespRequestReader(new RespLimits { MaxBulkBytes = maxBulkBytes });
        Errors = new ProtocolErrorLog(Logger);
        Info = new RespInfo(() => ConnectedClients?.Invoke() ?? 0);
        Metrics = ServiceCounters.ForResp(store);
    }

    /// <summary>How many clients the server has connected, for <c>INFO clients</c>; set once the server exists.</summary>
    public Func<int>? ConnectedClients { get; set; }

    internal IListStore Store { get; }

    internal Password? Password { get; }

    internal int OutputBudget { get; }

    internal ILogger Logger { get; }

    internal RespRequestReader Reader { get; }

    internal ProtocolErrorLog Errors { get; }

    internal RespInfo Info { get; }

    internal ServiceCounters Metrics { get; }

    /// <inheritdoc/>
    public ISession CreateSession(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Transport != TransportKind.Stream)
        {
            throw new ArgumentException("The Redis protocol is served over streams only.", nameof(connection));
        }

        Info.Connected();
        return new RespSession(connection, this);
    }
}
