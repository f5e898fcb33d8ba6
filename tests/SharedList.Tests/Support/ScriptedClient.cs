using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SharedList.Tests.Support;

/// <summary><c>sharedlist connect</c> as a process with stdin redirected: the client's scripting mode.</summary>
internal static class ScriptedClient
{
    /// <summary>Starts <c>connect [options] HOST PORT</c>; stdin stays open for the test to write to.</summary>
    public static CliProcess Start(EndPoint server, params string[] options) => Start(server, environment: null, options);

    /// <summary>Starts <c>connect [options] HOST PORT</c> (or <c>connect --unix PATH [options]</c>) with extra environment variables.</summary>
    public static CliProcess Start(EndPoint server, IReadOnlyDictionary<string, string>? environment, params string[] options)
    {
        if (server is UnixDomainSocketEndPoint unix)
        {
            return CliProcess.Start(environment, ["connect", "--unix", unix.ToString(), .. options]);
        }

        var ip = (IPEndPoint)server;
        return CliProcess.Start(environment, ["connect", .. options, ip.Address.ToString(), ip.Port.ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>Runs the client with <paramref name="input"/> as its whole stdin and waits for it to exit.</summary>
    public static Task<ProcessRun> RunAsync(EndPoint server, string input, params string[] options) => RunAsync(server, input, environment: null, options);

    /// <summary>Runs the client, with extra environment variables, on <paramref name="input"/> and waits for it to exit.</summary>
    public static async Task<ProcessRun> RunAsync(EndPoint server, string input, IReadOnlyDictionary<string, string>? environment, params string[] options)
    {
        await using var client = Start(server, environment, options);
        return await client.RunToEndAsync(input, CliProcess.DefaultTimeout);
    }
}
