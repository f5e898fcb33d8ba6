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
    public static async Task<ProcessRun> RunAsync(EndPoint server, string input, params string[] options)
    {
        await using var client = Start(server, options);
        return await client.RunToEndAsync(input, CliProcess.DefaultTimeout);
    }
}
