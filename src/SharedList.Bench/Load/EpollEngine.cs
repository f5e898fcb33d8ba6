using System.Net.Sockets;
using System.Runtime.Versioning;
using SharedList.Bench.Measurement;

namespace SharedList.Bench.Load;

/// <summary>
/// The default engine on Linux: <see cref="LoadOptions.Threads"/> threads (one per usable core by default),
/// each an <see cref="EpollWorker"/> over its share of the connections (dealt round-robin). Each thread has its
/// own <see cref="LoadStats"/>, so the hot path takes no lock and shares no cache line.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class EpollEngine : LoadEngine
{
    private readonly EpollWorker[] _workers;
    private readonly LoadStats[] _stats;
    private readonly List<LoadConnection> _all = [];

    public EpollEngine(LoadOptions options, LoadControl control)
        : base(options, control)
    {
        var threads = Math.Min(options.Connections, options.Threads > 0 ? options.Threads : CpuAffinity.AllowedCores());
        _workers = new EpollWorker[threads];
        _stats = new LoadStats[threads];
        for (var t = 0; t < threads; t++)
        {
            _stats[t] = new LoadStats();
            var mine = new List<LoadConnection>();
            for (var i = t; i < options.Connections; i += threads)
            {
                var socket = new Socket(options.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                mine.Add(new LoadConnection(i, socket, Plan, NewScanner(), _stats[t], control));
            }

            _all.AddRange(mine);
            _workers[t] = new EpollWorker([.. mine], options, control, OnSettled);
        }
    }

    public override long Completed => _stats.Sum(s => s.Completed);

    public override long RampedUp => _stats.Sum(s => s.RampedUp);

    public override LoadStats Stats
    {
        get
        {
            var total = new LoadStats();
            foreach (var stats in _stats)
            {
                total.Add(stats);
            }

            return total;
        }
    }

    public override void Start()
    {
        for (var t = 0; t < _workers.Length; t++)
        {
            var worker = _workers[t];
            var thread = new Thread(() =>
            {
                try
                {
                    worker.Run();
                    OnDone(_workers.Length);
                }
                catch (Exception e)
                {
                    OnFault(e);
                }
            })
            {
                IsBackground = true,
                Name = $"bench-epoll-{t}",
            };
            thread.Start();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The workers close their sockets when they finish; this is for an engine abandoned mid-run.
            foreach (var connection in _all)
            {
                connection.Socket.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
