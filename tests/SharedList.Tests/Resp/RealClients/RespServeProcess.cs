using System.Net;
using System.Text.RegularExpressions;

namespace SharedList.Tests.Resp.RealClients;

/// <summary><c>sharedlist serve --resp-port 0</c> as a real process: its line-protocol and its RESP addresses.</summary>
internal sealed partial class RespServeProcess : IAsyncDisposable
{
    private RespServeProcess(CliProcess process, IPEndPoint line, IPEndPoint resp)
    {
        Process = process;
        Line = line;
        Resp = resp;
    }

    public CliProcess Process { get; }

    /// <summary>Where the line protocol listens.</summary>
    public IPEndPoint Line { get; }

    /// <summary>Where the Redis protocol listens.</summary>
    public IPEndPoint Resp { get; }

    /// <summary>Starts the server with <paramref name="options"/> besides the two ports and waits for both readiness lines.</summary>
    public static async Task<RespServeProcess> StartAsync(params string[] options)
    {
        var (process, line) = await CliProcess.StartServerAsync(["--resp-port", "0", .. options]);
        try
        {
            var ready = await process.ReadLineAsync(CliProcess.DefaultTimeout);
            var match = RespReadinessLine().Match(ready ?? string.Empty);
            Assert.True(match.Success, $"expected the RESP readiness line, got '{ready}'; stderr: {process.StandardError}");
            return new RespServeProcess(process, line, IPEndPoint.Parse(match.Groups["endpoint"].Value));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server as its operator does (EXIT on stdin) and checks it exited cleanly.</summary>
    public async Task StopAsync()
    {
        await Process.StandardInput.WriteLineAsync("EXIT");
        await Process.StandardInput.FlushAsync();
        Assert.Equal(0, await Process.WaitForExitAsync(CliProcess.DefaultTimeout));
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    [GeneratedRegex(@"^resp listening on (?<endpoint>\S+)$")]
    private static partial Regex RespReadinessLine();
}
