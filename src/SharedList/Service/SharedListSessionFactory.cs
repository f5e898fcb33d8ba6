using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedList.Metrics;
using SharedList.Protocol;
using SharedList.Stores;
using SocketServer.Sessions;

namespace SharedList.Service;

/// <summary>Creates a <see cref="SharedListSession"/> per connection (or per datagram), all on one store.</summary>
/// <remarks>Threading: immutable after construction, so <see cref="CreateSession"/> is safe from any thread.</remarks>
public sealed class SharedListSessionFactory : ISessionFactory
{
    private readonly IListStore _store;
    private readonly ILogger _logger;
    private readonly MessageFramer _streamFramer;
    private readonly MessageFramer _datagramFramer;
    private readonly int _outputBudget;
    private readonly Password? _password;
    private readonly ProtocolErrorLog _errors;
    private readonly bool _logChanges;
    private readonly string _listKey;
    private readonly ServiceCounters _metrics;

    /// <summary>Creates the factory.</summary>
    /// <param name="store">The store whose list (<see cref="SharedListOptions.ListKey"/>) every session shares. Not disposed by the factory.</param>
    /// <param name="options">Framing, size limit and password.</param>
    /// <param name="logger">Where protocol errors go (rate-limited), and each request and the resulting list (Debug, or
    /// Information with <see cref="SharedListOptions.LogChanges"/>); none by default.</param>
    public SharedListSessionFactory(IListStore store, SharedListOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _logger = logger ?? NullLogger.Instance;
        _streamFramer = new MessageFramer(options.Framing, options.MaxMessageBytes);
        _outputBudget = options.OutputBudgetBytes;
        _password = options.Password;
        _errors = new ProtocolErrorLog(_logger);
        _logChanges = options.LogChanges;
        _listKey = options.ListKey;
        _metrics = new ServiceCounters(store, options.ListKey);

        // One datagram is one message whatever the options say: there is no stream to cut into lines.
        _datagramFramer = new MessageFramer(Framing.Raw, options.MaxMessageBytes);
    }

    /// <inheritdoc/>
    public ISession CreateSession(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var framer = connection.Transport == TransportKind.Datagram ? _datagramFramer : _streamFramer;
        return new SharedListSession(connection, framer, _store, _listKey, _logger, _password, _outputBudget, _errors, _logChanges, _metrics);
    }
}
