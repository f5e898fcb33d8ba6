using System.Globalization;
using System.Net;

namespace SharedList.Tests.Compatibility;

/// <summary>
/// The course's Python programs (<c>course/</c>, copied next to the test assembly as <c>Compatibility/python/</c>), run by
/// <c>python3</c> in a child process that is always killed on dispose.
/// </summary>
internal static class CoursePython
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        // The programs print non-ASCII replies: read and write UTF-8 whatever the machine's locale.
        ["PYTHONIOENCODING"] = "utf-8",
        ["PYTHONDONTWRITEBYTECODE"] = "1",
    };

    // python3 on PATH may be a version manager's shim (pyenv's costs ~0.4 s a start): find the interpreter once.
    private static readonly Lazy<Task<string>> Interpreter = new(FindInterpreterAsync);

    /// <summary>Starts <paramref name="script"/> unbuffered (-u), so each print reaches the test at once.</summary>
    public static async Task<CliProcess> StartAsync(string script, params string[] arguments)
    {
        RequiredTool.Python3.Require("the course's Python programs cannot run");
        return CliProcess.StartProgram(await Interpreter.Value, ["-u", Path.Combine(AppContext.BaseDirectory, "Compatibility", "python", script), .. arguments], Environment);
    }

    /// <summary>Runs a course client (<c>Cliente.py HOST PORT</c>) with <paramref name="input"/> typed at its prompt.</summary>
    public static async Task<ProcessRun> RunClientAsync(string script, EndPoint server, string input)
    {
        var ip = (IPEndPoint)server;
        await using var client = await StartAsync(script, ip.Address.ToString(), ip.Port.ToString(CultureInfo.InvariantCulture));
        return await client.RunToEndAsync(input, CliProcess.DefaultTimeout);
    }

    /// <summary>
    /// What a course client prints for <paramref name="replies"/>: <c>input('Mensagem: ')</c> writes its prompt
    /// with no newline, so each reply follows a prompt, and the prompt that read EXIT ends the output.
    /// </summary>
    public static IReadOnlyList<string> Transcript(IEnumerable<string> replies) =>
        [.. replies.Select(reply => $"Mensagem: Recebi: {reply}"), "Mensagem: "];

    private static async Task<string> FindInterpreterAsync()
    {
        await using var python = CliProcess.StartProgram("python3", ["-c", "import sys; print(sys.executable)"], Environment);
        var run = await python.RunToEndAsync(string.Empty, CliProcess.DefaultTimeout);
        Assert.True(run.ExitCode == 0 && run.Output is [{ Length: > 0 }], $"python3 did not report its interpreter: exit {run.ExitCode}, stderr: {run.Error}");
        return run.Output[0];
    }
}
