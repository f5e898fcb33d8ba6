using System.Collections.Concurrent;
using System.Net;
using SocketServer.Handlers;

namespace SocketServer.Tests.PythonApi;

/// <summary>A <see cref="TcpServer"/> subclassed the Python way, overriding the hooks to observe them.</summary>
internal sealed class ObservedTcpServer(EndPoint address, Func<BaseRequestHandler> handlerFactory, bool bindAndActivate = true)
    : TcpServer(address, handlerFactory, bindAndActivate)
{
    private int _timeouts;
    private int _serviceActions;

    public ConcurrentQueue<(EndPoint Client, Exception Error)> Errors { get; } = new();

    public ConcurrentQueue<EndPoint> Verified { get; } = new();

    public bool Refuse { get; init; }

    public int Timeouts => Volatile.Read(ref _timeouts);

    public int ServiceActionsRuns => Volatile.Read(ref _serviceActions);

    protected override bool VerifyRequest(ServerRequest request)
    {
        Verified.Enqueue(request.ClientAddress);
        return !Refuse && base.VerifyRequest(request);
    }

    protected override void HandleError(ServerRequest request, Exception exception)
    {
        Errors.Enqueue((request.ClientAddress, exception));
        base.HandleError(request, exception);
    }

    protected override void HandleTimeout() => Interlocked.Increment(ref _timeouts);

    protected override void ServiceActions() => Interlocked.Increment(ref _serviceActions);
}
