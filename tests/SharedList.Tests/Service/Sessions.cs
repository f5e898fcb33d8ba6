using System.Net;
using Microsoft.Extensions.Logging;
using SharedList.Protocol;
using SharedList.Service;
using SharedList.Stores;
using SocketServer.Sessions;

namespace SharedList.Tests.Service;

/// <summary>Creates sessions the way a server does, through the factory.</summary>
internal static class Sessions
{
    private static long _nextId;

    public static ISession Create(
        IListStore store,
        Framing framing = Framing.Line,
        TransportKind transport = TransportKind.Stream,
        int maxMessageBytes = SharedListOptions.DefaultMaxMessageBytes,
        ILogger? logger = null,
        string? password = null,
        int outputBudgetBytes = SharedListOptions.DefaultOutputBudgetBytes)
    {
        var options = new SharedListOptions { Framing = framing, MaxMessageBytes = maxMessageBytes, Password = Password.FromOptional(password), OutputBudgetBytes = outputBudgetBytes };
        var factory = new SharedListSessionFactory(store, options, logger);
        var endPoint = new IPEndPoint(IPAddress.Loopback, 9999);
        var context = new ConnectionContext(Interlocked.Increment(ref _nextId), new IPEndPoint(IPAddress.Loopback, 50000), endPoint, transport);
        return factory.CreateSession(context);
    }
}
