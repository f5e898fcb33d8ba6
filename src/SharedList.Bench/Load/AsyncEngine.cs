using System.Net.Sockets;

namespace SharedList.Bench.Load;

/// <summary>
/// The portable engine: .NET's async sockets, one <see cref="AsyncLoop"/> (a send and a receive
/// <see cref="SocketAsyncEventArgs"/>, reused for every batch) per connection. Completions run on the thread
/// pool, or inline on the socket engine's threads with <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>.
/// Each connection has its own <see cref="LoadStats"/>, since its callbacks may run on any thread.
/// </summary>
internal sealed class AsyncEngine : LoadEngine
{
    private readonly AsyncLoop[] _loops;

    public AsyncEngine(LoadOptions options, LoadControl control)
        : base(options, control)
    {
        _loops = new AsyncLoop[options.Connections];
        for (var i = 0; i < _loops.Length; i++)
        {
            var socket = new Socket(options.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var connection = new LoadConnection(i, socket, Plan, NewScanner(), new LoadStats(), control);
            _loops[i] = new AsyncLoop(connection, () => OnDone(_loops.Length));
        }
    }

    public override long Completed => _loops.Sum(l => l.Connection.Stats.Completed);

    public override long RampedUp => _loops.Sum(l => l.Connection.Stats.RampedUp);

    public override LoadStats Stats
    {
        get
        {
            var total = new LoadStats();
            foreach (var loop in _loops)
            {
                total.Add(loop.Connection.Stats);
            }

            return total;
        }
    }

    public override void Start() => _ = RunAsync();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var loop in _loops)
            {
                loop.Abandon();
                loop.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private async Task RunAsync()
    {
        try
        {
            await Task.WhenAll(_loops.Select(ConnectAsync)).ConfigureAwait(false);

            // Wait for the end of the run, then give the loops the drain time to finish their batches.
            while (Control.Phase != LoadPhase.Done)
            {
                await Task.Delay(10).ConfigureAwait(false);
            }

            if (await Task.WhenAny(Finished, Task.Delay(Options.DrainTimeout)).ConfigureAwait(false) != Finished)
            {
                foreach (var loop in _loops)
                {
                    loop.Abandon();
                }
            }
        }
        catch (Exception e)
        {
            OnFault(e);
        }
    }

    private async Task ConnectAsync(AsyncLoop loop)
    {
        using var timeout = new CancellationTokenSource(Options.ConnectTimeout);
        try
        {
            await loop.Connection.Socket.ConnectAsync(Options.EndPoint, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            loop.Connection.Stats.ConnectFailures++;
            OnSettled();
            loop.Abandon();
            return;
        }

        OnSettled();
        loop.Start();
    }
}
