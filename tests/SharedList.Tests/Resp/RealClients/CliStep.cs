using System.Net;

namespace SharedList.Tests.Resp.RealClients;

/// <summary>
/// One run of redis-cli and what it prints, which must be what it prints against a real redis-server but where
/// <see cref="Redis"/> says otherwise. redis-cli exits 0 after any reply, an error reply included (redis-cli 7.0,
/// Debian 12's, checked against redis-server): only a failure of its own (no server, a closed connection) is not 0.
/// </summary>
/// <param name="Arguments">redis-cli's options and command, after <c>-h</c> and <c>-p</c>.</param>
/// <param name="Output">Its stdout, line by line, against this server.</param>
/// <param name="Redis">Its stdout against redis-server, where that differs on purpose; null where it is the same.</param>
internal sealed record CliStep(string[] Arguments, string[] Output, string[]? Redis = null)
{
    /// <summary>What redis-cli reads on stdin: commands, one a line, where none is in <see cref="Arguments"/>.</summary>
    public string Input { get; init; } = string.Empty;

    /// <summary>Its stderr.</summary>
    public string Error { get; init; } = string.Empty;

    /// <summary>A command printed as to a terminal (<c>--no-raw</c>): <c>(integer) 3</c>, <c>1) "a"</c>, <c>(error) ERR …</c>.</summary>
    public static CliStep Typed(string[] command, params string[] output) => new(["--no-raw", .. command], output);

    /// <summary>Runs the steps in order against <paramref name="server"/>, checking each one's exit code, stdout and stderr.</summary>
    /// <param name="server">The RESP address.</param>
    /// <param name="steps">The steps.</param>
    /// <param name="isRedis">Whether the server is redis-server, whose output is <see cref="Redis"/> where given.</param>
    public static async Task RunAllAsync(IPEndPoint server, IEnumerable<CliStep> steps, bool isRedis = false)
    {
        foreach (var step in steps)
        {
            var run = await RedisCli.RunAsync(server, step.Arguments, step.Input);
            var expected = isRedis && step.Redis is not null ? step.Redis : step.Output;
            var call = $"redis-cli {string.Join(' ', step.Arguments)}{(step.Input.Length > 0 ? $" < [{step.Input.ReplaceLineEndings("\\n")}]" : string.Empty)}";
            Assert.True(
                run.ExitCode == 0 && run.Output.SequenceEqual(expected) && run.Error == step.Error,
                $"{call}: expected exit 0, stdout [{string.Join(" | ", expected)}], stderr '{step.Error}'; "
                + $"got exit {run.ExitCode}, stdout [{string.Join(" | ", run.Output)}], stderr '{run.Error}'");
        }
    }
}
