using System.Net.Sockets;

namespace SocketServer.Core;

/// <summary>
/// The set of open connections of one server: enforces the connection limit, lets shutdown wait for
/// the set to drain, and aborts what is left when the drain time runs out.
/// </summary>
/// <remarks>Thread-safe: every model's accept and close paths call it concurrently.</remarks>
internal sealed class ConnectionTracker
{
    private readonly Lock _lock = new();
    private readonly HashSet<Socket> _open = [];
    private TaskCompletionSource? _drained;
    private long _nextId;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Registers an accepted connection and returns its id.</summary>
    public long Add(Socket socket)
    {
        lock (_lock)
        {
            _open.Add(socket);
            return ++_nextId;
        }
    }

    /// <summary>Forgets a closed connection, and says whether it was tracked; completes a pending drain when it was the last.</summary>
    public bool Remove(Socket socket)
    {
        TaskCompletionSource? drained = null;
        bool removed;
        lock (_lock)
        {
            removed = _open.Remove(socket);
            if (removed && _open.Count == 0)
            {
                drained = _drained;
                _drained = null;
            }
        }

        drained?.TrySetResult();
        return removed;
    }

    /// <summary>Completes when no connection is open, or when <paramref name="cancellationToken"/> fires.</summary>
    public async Task WaitUntilEmptyAsync(CancellationToken cancellationToken)
    {
        Task drained;
        lock (_lock)
        {
            if (_open.Count == 0)
            {
                return;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
        }

        await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends every open connection at once. The owners of the sockets see their next receive or send fail
    /// and run their normal close path, which calls <see cref="Remove"/>.
    /// </summary>
    public void AbortAll()
    {
        Socket[] open;
        lock (_lock)
        {
            open = [.. _open];
        }

        foreach (var socket in open)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closing on its own.
            }
        }
    }
}
