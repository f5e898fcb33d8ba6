using System.Net;
using SharedList.Tests.Support;

namespace SharedList.Tests.Durability;

/// <summary><c>sharedlist serve --data</c> as a process, on one data directory, with the steps the durability tests repeat.</summary>
internal static class JournalServer
{
    /// <summary>The journal's file in its data directory (docs/DURABILITY.md).</summary>
    public static string JournalPath(string data) => Path.Combine(data, "sharedlist.journal");

    /// <summary>Starts <c>serve --data <paramref name="data"/></c> with <paramref name="options"/> and waits for its readiness line.</summary>
    public static Task<(CliProcess Process, IPEndPoint EndPoint)> StartAsync(string data, params string[] options) =>
        CliProcess.StartServerAsync(["--data", data, .. options]);

    /// <summary>Stops a server with EXIT on its stdin and waits for exit 0: everything acknowledged is written.</summary>
    public static async Task StopAsync(CliProcess server)
    {
        server.StandardInput.WriteLine("EXIT");
        server.StandardInput.Flush();
        Assert.Equal(0, await server.WaitForExitAsync(CliProcess.DefaultTimeout));
    }

    /// <summary>Starts a server on <paramref name="data"/>, appends <paramref name="items"/>, each acknowledged, and stops it.</summary>
    public static async Task AppendAsync(string data, IEnumerable<string> items, params string[] options)
    {
        var (server, endPoint) = await StartAsync(data, options);
        await using (server)
        {
            using (var connection = await LineConnection.ConnectAsync(endPoint))
            {
                foreach (var item in items)
                {
                    Assert.Equal("Ack", connection.Request(item));
                }
            }

            await StopAsync(server);
        }
    }

    /// <summary>The items of the list a running server serves.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(IPEndPoint endPoint)
    {
        using var connection = await LineConnection.ConnectAsync(endPoint, bufferBytes: 64 << 20);
        return ListReply.ParseSimple(connection.Request("LIST"));
    }

    /// <summary>How many stderr lines contain <paramref name="text"/>.</summary>
    public static int LinesContaining(string standardError, string text) =>
        standardError.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));
}
