using SharedList.Tests.Support;

namespace SharedList.Tests.Stores.Journal;

/// <summary><c>sharedlist serve --data</c> as a process: the list outlives it, and a damaged journal is one line and exit code 1.</summary>
public sealed class JournalCliTests
{
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    [Theory]
    [InlineData("always")]
    [InlineData("everysec")]
    [InlineData("no")]
    public async Task The_list_outlives_the_process(string fsync)
    {
        using var directory = new JournalDirectory();
        await RunServerAsync(directory, ["--fsync", fsync], connection =>
        {
            Assert.Equal("Ack", connection.Request("first"));
            Assert.Equal("Ack", connection.Request("it's ação"));
        });

        await RunServerAsync(directory, ["--fsync", fsync], connection =>
            Assert.Equal("['first', \"it's ação\"]", connection.Request("LIST")));
    }

    [Fact]
    public async Task A_damaged_journal_stops_start_up_with_one_line_and_repair_serves_what_came_before()
    {
        using var directory = new JournalDirectory();
        long secondRecord = 0;
        await RunServerAsync(directory, [], connection =>
        {
            Assert.Equal("Ack", connection.Request("kept"));
            secondRecord = directory.JournalLength;
            Assert.Equal("Ack", connection.Request("damaged"));
            Assert.Equal("Ack", connection.Request("lost"));
        });
        using (var file = File.OpenHandle(directory.JournalPath, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.Write(file, "X"u8, secondRecord + 20);
        }

        await using (var refused = CliProcess.Start("serve", "--port", "0", "--data", directory.Path))
        {
            Assert.Equal(1, await refused.WaitForExitAsync(Timeout));
            var line = Assert.Single(refused.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: ", line, StringComparison.Ordinal);
            Assert.Contains($"offset {secondRecord}", line, StringComparison.Ordinal);
            Assert.Contains("--repair", line, StringComparison.Ordinal);
        }

        await RunServerAsync(directory, ["--repair"], connection => Assert.Equal("['kept']", connection.Request("LIST")));
    }

    private static async Task RunServerAsync(JournalDirectory directory, string[] options, Action<LineConnection> use)
    {
        var (server, endPoint) = await CliProcess.StartServerAsync(["--data", directory.Path, .. options]);
        await using (server)
        {
            using (var connection = await LineConnection.ConnectAsync(endPoint))
            {
                use(connection);
            }

            server.Signal(Signals.Terminate);
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }
}
