using System.Globalization;
using System.Net;

namespace SharedList.Tests.Resp.RealClients;

/// <summary>Redis's own <c>redis-cli</c>, run as a process per call against a server.</summary>
internal static class RedisCli
{
    /// <summary>
    /// Runs <c>redis-cli -h HOST -p PORT</c> with <paramref name="arguments"/> (options, then a command), with
    /// <paramref name="input"/> as the whole of its stdin. Its stdout is a pipe, so redis-cli prints replies raw
    /// unless told <c>--no-raw</c>. Skips the test where redis-cli is not installed.
    /// </summary>
    public static async Task<ProcessRun> RunAsync(IPEndPoint server, IEnumerable<string> arguments, string input = "")
    {
        var program = RequiredTool.RedisCli.Require("the RESP port is not checked with Redis's own client");
        await using var process = CliProcess.StartProgram(
            program,
            ["-h", server.Address.ToString(), "-p", server.Port.ToString(CultureInfo.InvariantCulture), .. arguments]);
        return await process.RunToEndAsync(input, CliProcess.DefaultTimeout);
    }

    /// <summary>Runs one command with <c>--no-raw</c>, as redis-cli prints to a terminal: <c>(integer) 3</c>, <c>1) "a"</c>, <c>(error) ERR …</c>.</summary>
    public static Task<ProcessRun> TypedAsync(IPEndPoint server, params string[] command) => RunAsync(server, ["--no-raw", .. command]);
}
