using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SocketServer;

namespace SharedList.Tests.Abuse;

/// <summary>
/// One abuse scenario: its own <c>sharedlist serve</c> process, its memory sampled from the start, the
/// well-behaved clients, and the figures the scenario measured. <see cref="FinishAsync"/> is the common
/// verdict: no well-behaved client saw anything unexpected, a fresh connection's <c>LIST</c> holds every
/// acknowledged item exactly as many times as it was acknowledged, memory stayed under <see cref="MemoryAllowance"/> above the baseline,
/// and the server logged no error it was not expected to.
/// </summary>
internal sealed class AbuseRun : IAsyncDisposable
{
    /// <summary>
    /// How far the server's RSS may rise above its idle baseline (about 37 MB). Measured peaks
    /// (docs/RELIABILITY.md) are 4–32 MB above it, mostly the list itself: the well-behaved clients append
    /// tens of thousands of items, the non-reader scenario 100,000 more. 150 MB is over four times the highest,
    /// room for GC timing, and still catches any per-abuser buffering: 50 lorises or 20 over-long lines
    /// holding 1 MB each, or one non-reader's replies queued in full (37 GB asked for).
    /// </summary>
    public const long MemoryAllowance = 150L << 20;

    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private const int WarmUpRequests = 500;

    private readonly ITestOutputHelper _output;
    private readonly string _scenario;
    private readonly List<(string Name, string Value)> _figures = [];
    private readonly List<string> _alsoAcked = [];
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly SchedulingLag _lag = new();
    private WellBehavedClients? _clients;
    private bool _printed;
    private long _abuseStarted;
    private long _requestsBeforeAbuse;

    private AbuseRun(ITestOutputHelper output, string scenario, ServerModel model, CliProcess server, IPEndPoint endPoint)
    {
        _output = output;
        _scenario = scenario;
        Model = model;
        Server = server;
        EndPoint = endPoint;
        Memory = new MemorySampler(server.Id);
    }

    public ServerModel Model { get; }

    public CliProcess Server { get; }

    public IPEndPoint EndPoint { get; }

    public MemorySampler Memory { get; }

    /// <summary>The sequential model serves one connection at a time, so its well-behaved clients connect per request.</summary>
    public bool IsSequential => Model == ServerModel.Sequential;

    public WellBehavedClients Clients => _clients ?? throw new InvalidOperationException("StartClientsAsync first");

    /// <summary>Starts <c>sharedlist serve --model <paramref name="model"/></c> with <paramref name="options"/> on port 0.</summary>
    public static async Task<AbuseRun> StartAsync(ITestOutputHelper output, string scenario, ServerModel model, params string[] options)
    {
        var (server, endPoint) = await CliProcess.StartServerAsync(["--model", model.Name(), .. options]);
        try
        {
            var run = new AbuseRun(output, scenario, model, server, endPoint);
            run.Record("server", $"--model {model.Name()} {string.Join(' ', options)}".TrimEnd());
            return run;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts the well-behaved clients and waits until they have been served a while (the server's warm-up
    /// is not what the scenario measures), so the abuse begins against clients in full swing.
    /// </summary>
    public async Task StartClientsAsync(TimeSpan? replyTimeout = null)
    {
        _clients = WellBehavedClients.Start(EndPoint, connectPerRequest: IsSequential, replyTimeout ?? ReplyTimeout);
        await _clients.WaitUntilEachServedAsync(ReplyTimeout);
        await _clients.WaitForProgressAsync(WarmUpRequests, ReplyTimeout);
        _clients.ResetLatency();
        _lag.Reset();
        _abuseStarted = Stopwatch.GetTimestamp();
        _requestsBeforeAbuse = _clients.Requests;
    }

    /// <summary>Adds a figure to the report printed at the end.</summary>
    public void Record(string name, object value) => _figures.Add((name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));

    /// <summary>Items acknowledged outside the well-behaved clients (a prefill) that must be in the final list too.</summary>
    public void AlsoAcked(IEnumerable<string> items) => _alsoAcked.AddRange(items);

    /// <summary>Stops the well-behaved clients and checks the common verdict; prints the figures.</summary>
    /// <param name="expectedErrors">Text of error-level log lines the scenario causes on purpose.</param>
    public async Task FinishAsync(params string[] expectedErrors)
    {
        var clients = Clients;
        var abuse = Stopwatch.GetElapsedTime(_abuseStarted);
        await clients.StopAsync(TimeSpan.FromSeconds(60));
        Record("well-behaved clients", $"{clients.Count} ({(IsSequential ? "a connection per request" : "one connection each")})");
        Record("well-behaved requests answered", $"{clients.Requests - _requestsBeforeAbuse} in the {Figure.Seconds(abuse)} from the start of the abuse ({clients.Requests} in all, {clients.Lists} of them LIST)");
        var (latency, request) = clients.Slowest;
        Record("well-behaved max latency (after warm-up)", $"{Figure.Seconds(latency)} ({request})");
        Record("test process's own max scheduling lag (a 10 ms timer)", Figure.Seconds(_lag.Max));
        Record("clients harmed", clients.Failures.Count);
        Assert.True(clients.Failures.Count == 0, $"well-behaved clients failed: {string.Join("; ", clients.Failures)}");
        Assert.False(Server.HasExited, $"the server exited; stderr: {Tail(Server.StandardError)}");

        // Each acknowledged item is in the list exactly as many times as it was acknowledged: once for the
        // well-behaved clients' unique items; garbage may append the same text more than once.
        var counts = await FinalListAsync();
        var expected = clients.Acked.Concat(_alsoAcked).CountBy(item => item, StringComparer.Ordinal).ToList();
        var missing = expected.Sum(pair => Math.Max(0, pair.Value - counts.GetValueOrDefault(pair.Key)));
        var duplicated = expected.Sum(pair => Math.Max(0, counts.GetValueOrDefault(pair.Key) - pair.Value));
        Record("items acknowledged", expected.Sum(pair => pair.Value));
        Record("items lost", missing);
        Record("items duplicated", duplicated);
        Assert.Equal(0, missing);
        Assert.Equal(0, duplicated);

        var peak = Memory.Peak;
        Record("server RSS before / peak", $"{Figure.Bytes(Memory.Baseline)} / {Figure.Bytes(peak)} (+{Figure.Bytes(peak - Memory.Baseline)})");
        Assert.True(peak - Memory.Baseline < MemoryAllowance, $"server RSS rose from {Figure.Bytes(Memory.Baseline)} to {Figure.Bytes(peak)}, more than {Figure.Bytes(MemoryAllowance)}");

        var errors = Server.StandardError.Split('\n')
            .Where(line => line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal))
            .Where(line => !expectedErrors.Any(expected => line.Contains(expected, StringComparison.Ordinal)))
            .ToList();
        Assert.True(errors.Count == 0, $"unexpected errors logged: {string.Join(" | ", errors.Take(5))}");
        Record("scenario time", Figure.Seconds(_elapsed.Elapsed));
        Print();
    }

    public async ValueTask DisposeAsync()
    {
        Print();
        await _lag.DisposeAsync();
        await Memory.DisposeAsync();
        await Server.DisposeAsync();
    }

    /// <summary>The last lines of a log, for failure messages.</summary>
    public static string Tail(string log, int lines = 10) => string.Join(" | ", log.Split('\n').TakeLast(lines));

    // How many times each item is in a fresh connection's LIST.
    private async Task<Dictionary<string, int>> FinalListAsync()
    {
        using var socket = new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using (var connect = new CancellationTokenSource(ReplyTimeout))
        {
            await socket.ConnectAsync(EndPoint, connect.Token);
        }

        await socket.SendAsync("LIST\n"u8.ToArray(), SocketFlags.None);
        var reply = await new ReplyReader(socket).ReadLineAsync(ReplyTimeout) ?? throw new InvalidOperationException("the final LIST got no reply");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = PythonListItems.Split(reply);
        foreach (var item in items)
        {
            counts[item] = counts.GetValueOrDefault(item) + 1;
        }

        Record("final list", $"{items.Count} items, {Figure.Bytes(reply.Length)}");
        return counts;
    }

    private void Print()
    {
        if (_printed)
        {
            return;
        }

        _printed = true;
        _output.WriteLine($"== {_scenario}");
        foreach (var (name, value) in _figures)
        {
            _output.WriteLine($"   {name}: {value}");
        }
    }
}
