using System.Globalization;
using System.Net;

namespace SharedList.Tests.Support;

/// <summary><c>sharedlist connect</c> as a process with stdin redirected: the client's scripting mode.</summary>
internal static class ScriptedClient
{
    /// <summary>Starts <c>connect [options] HOST PORT</c>; stdin stays open for the test to write to.</summary>
    public static CliProcess Start(EndPoint server, params string[] options)
    {
        var ip = (IPEndPoint)server;
        return CliProcess.Start(["connect", .. options, ip.Address.ToString(), ip.Port.ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>Runs the client with <paramref name="input"/> as its whole stdin and waits for it to exit.</summary>
    public static async Task<Run> RunAsync(EndPoint server, string input, params string[] options)
    {
        await using var client = Start(server, options);

        // One write, before the client can have read (let alone acted on) any of it: an EXIT in the input
        // cannot end the process while the test is still writing to its stdin.
        await client.StandardInput.WriteAsync(input);
        client.StandardInput.Close();

        var output = await client.ReadToEndAsync(CliProcess.DefaultTimeout);
        var exitCode = await client.WaitForExitAsync(CliProcess.DefaultTimeout);
        return new Run(exitCode, output, client.StandardError);
    }

    /// <summary>How a scripted run ended: its exit code, its stdout lines and its stderr.</summary>
    public sealed record Run(int ExitCode, IReadOnlyList<string> Output, string Error);
}
