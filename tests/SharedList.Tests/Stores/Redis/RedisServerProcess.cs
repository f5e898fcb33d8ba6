using System.Globalization;

namespace SharedList.Tests.Stores.Redis;

/// <summary>A real <c>redis-server</c> process on a free loopback port, with its files in a directory of its own.</summary>
internal sealed class RedisServerProcess : RedisTarget
{
    private readonly string _program;
    private readonly string _directory;
    private readonly string[] _arguments;
    private CliProcess? _process;

    private RedisServerProcess(string program, int port, string directory, string[] arguments)
        : base(port)
    {
        _program = program;
        _directory = directory;
        _arguments = arguments;
    }

    public override string Name => RedisServer;

    public override bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Starts <c>redis-server</c> with no persistence (unless <paramref name="arguments"/> ask for it, e.g.
    /// <c>--appendonly yes --appendfsync always</c>). Skips the test where redis-server is not installed.
    /// </summary>
    public static async Task<RedisServerProcess> StartAsync(string[] arguments)
    {
        var program = RequiredTool.RedisServer.Require("the Redis store is tested against Garnet only");
        var directory = Directory.CreateTempSubdirectory("sharedlist-redis-").FullName;

        // A port found free may be taken before redis-server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServerProcess(program, FreePort(), directory, arguments);
            try
            {
                await server.RestartAsync();
                return server;
            }
            catch (Exception e)
            {
                // Never left running: a start that failed for good (or a port taken, three times over) is killed.
                await server.KillAsync();
                if (e is not InvalidOperationException || attempt >= 3)
                {
                    throw;
                }
            }
        }
    }

    public override async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Signal(9);
        }

        await _process.WaitForExitAsync(CliProcess.DefaultTimeout);
        await _process.DisposeAsync();
        _process = null;
    }

    public override async Task RestartAsync()
    {
        await KillAsync();
        string[] arguments =
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", _directory, .. _arguments,
        ];
        var process = CliProcess.StartProgram(_program, arguments);
        _process = process;
        await WaitUntilAnswersAsync(() => process.HasExited ? process.StandardError : null);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await KillAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still being closed: the temporary directory is left to the system.
        }
    }
}
