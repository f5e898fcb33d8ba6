using System.Globalization;
using System.Net.Sockets;
using Garnet;

namespace SharedList.Tests.Stores.Redis;

/// <summary>
/// Garnet hosted in the test process on a free loopback port, with Lua scripts on and run as transactions
/// (<c>--lua true --lua-transaction-mode true</c>: the Redis store keeps its results with scripts, which Garnet
/// otherwise runs without locking their keys, so that two scripts on one list interleave), small memory and no
/// persistence.
/// </summary>
internal sealed class GarnetHost : RedisTarget
{
    private GarnetServer? _server;

    private GarnetHost(int port)
        : base(port)
    {
    }

    public override string Name => Garnet;

    public override bool IsRunning => _server is not null;

    public static GarnetHost Start()
    {
        // A port found free may be taken before Garnet binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var host = new GarnetHost(FreePort());
            try
            {
                host.Run();
                return host;
            }
            catch (Exception e) when (attempt < 3 && e is SocketException or global::Garnet.common.GarnetException)
            {
                host._server?.Dispose();
            }
        }
    }

    public override Task KillAsync()
    {
        _server?.Dispose();
        _server = null;
        return Task.CompletedTask;
    }

    public override async Task RestartAsync()
    {
        await KillAsync();

        // The port was just released: wait, bounded, until the system lets Garnet bind it again.
        await Eventually.TrueAsync(TryRun, TimeSpan.FromSeconds(10), $"Garnet binds port {Port} again");
        await WaitUntilAnswersAsync(() => null);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await KillAsync();
    }

    private bool TryRun()
    {
        try
        {
            Run();
            return true;
        }
        catch (Exception e) when (e is SocketException or global::Garnet.common.GarnetException)
        {
            _server?.Dispose();
            _server = null;
            return false;
        }
    }

    private void Run()
    {
        _server = new GarnetServer(
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--lua", "true", "--lua-transaction-mode", "true",
            "--memory", "64m", "--page", "1m", "--index", "1m",
            "-q", "true", "--logger-level", "Error", "--disable-console-logger", "true",
        ]);
        _server.Start();
    }
}
