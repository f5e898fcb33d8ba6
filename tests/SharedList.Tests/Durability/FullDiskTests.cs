using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using SharedList.Tests.Support;

namespace SharedList.Tests.Durability;

/// <summary>
/// A full disk under a running <c>serve --data --fsync always</c>: a small tmpfs filled up (ENOSPC), where mounting is
/// allowed, and a file-size limit (<c>prlimit --fsize</c>) on a server that ignores SIGXFSZ (EFBIG), which runs anywhere.
/// Appends then get <c>ERR store unavailable</c>, never a false <c>Ack</c>; <c>LIST</c> is served on the same and on
/// new connections; every acknowledged item, and nothing refused, is in the list after a restart.
/// </summary>
public sealed partial class FullDiskTests(ITestOutputHelper output) : IDisposable
{
    // An ignored signal stays ignored across exec: the server inherits it from this wrapper.
    private const string IgnoreFileSizeSignal =
        "import signal, os, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); os.execvp(sys.argv[1], sys.argv[1:])";

    private const int Clients = 10;
    private const int MostAppendsPerClient = 500;
    private const int RefusedPerClient = 5;
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("sharedlist-full-");

    [Fact]
    public async Task At_the_file_size_limit_appends_get_a_clear_error_never_a_false_Ack_and_LIST_is_still_served()
    {
        var python = RequiredTool.Python3.Require("the server cannot be started with SIGXFSZ ignored");
        var prlimit = RequiredTool.Prlimit.Require("the server's file-size limit cannot be lowered");

        await RunFullDiskAsync(
            () => StartIgnoringFileSizeSignalAsync(python),
            async server =>
            {
                // Room for a few dozen more records, the last of which fits only in part. Only the soft limit, the
                // one enforced: raising a hard limit again takes CAP_SYS_RESOURCE, which a container may lack.
                var limit = new FileInfo(JournalServer.JournalPath(_data.FullName)).Length + 1_000;
                await RunAsync(prlimit, $"--pid={server.Id}", $"--fsize={limit}:unlimited");
                output.WriteLine($"journal limited to {limit} bytes (prlimit --fsize)");
            },
            server => RunAsync(prlimit, $"--pid={server.Id}", "--fsize=unlimited:unlimited"),
            "the journal has reached the largest file allowed");
    }

    [Fact]
    public async Task On_a_full_tmpfs_appends_get_a_clear_error_never_a_false_Ack_and_LIST_is_still_served()
    {
        var mount = RequiredTool.Mount.Require("no small file system can be made full");
        var umount = RequiredTool.Umount.Require("no small file system can be made full");
        var (mounted, error) = await TryRunAsync(mount, "-t", "tmpfs", "-o", "size=1m", "tmpfs", _data.FullName);
        if (!mounted)
        {
            Assert.Skip($"mount -t tmpfs is not allowed here ({error.Trim()}): the full-disk test runs with prlimit --fsize only");
        }

        try
        {
            var ballast = Path.Combine(_data.FullName, "ballast");
            await RunFullDiskAsync(
                () => JournalServer.StartAsync(_data.FullName, "--fsync", "always"),
                _ =>
                {
                    // Leaves one page free: the journal's records fill what is left of its last page and one more.
                    var free = new DriveInfo(_data.FullName).AvailableFreeSpace;
                    using (var file = File.Create(ballast))
                    {
                        file.Write(new byte[free - 4096]);
                    }

                    output.WriteLine($"a 1 MiB tmpfs filled to {new DriveInfo(_data.FullName).AvailableFreeSpace} bytes free");
                    return Task.CompletedTask;
                },
                _ =>
                {
                    File.Delete(ballast);
                    return Task.CompletedTask;
                },
                "no space left on device");
        }
        finally
        {
            await TryRunAsync(umount, _data.FullName);
        }
    }

    // Fills the disk under a running server, checks the replies and LIST, frees room, and checks after a restart.
    private async Task RunFullDiskAsync(Func<Task<(CliProcess, IPEndPoint)>> start, Func<CliProcess, Task> fill, Func<CliProcess, Task> free, string reason)
    {
        var (server, endPoint) = await start();
        ClientHistory[] histories;
        await using (server)
        try
        {
            using var watcher = await LineConnection.ConnectAsync(endPoint, bufferBytes: 16 << 20);
            Assert.Equal("Ack", watcher.Request("before-the-limit"));
            await fill(server);

            histories = await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(() => AppendUntilRefusedAsync(endPoint, client))));
            var acked = histories.Sum(history => history.Acked);
            var refused = histories.SelectMany(history => history.OtherReplies).ToList();
            output.WriteLine($"{acked} appends acknowledged, {refused.Count} refused; e.g. {refused.FirstOrDefault()}");
            Assert.All(refused, reply => Assert.EndsWith($"-> ERR store unavailable: {reason}", reply, StringComparison.Ordinal));
            Assert.All(histories, history => Assert.Equal(RefusedPerClient, history.OtherReplies.Count));

            // LIST on a connection opened before the disk filled, and on a new one.
            var expected = (IReadOnlyList<string>)["before-the-limit", .. Acknowledged(histories)];
            AssertAcknowledgedOnly(expected, ListReply.ParseSimple(watcher.Request("LIST")));
            AssertAcknowledgedOnly(expected, await JournalServer.ListAsync(endPoint));
            await server.WaitForStandardErrorAsync("writes fail", Timeout);

            // Room again: appends are acknowledged without a restart.
            await free(server);
            Assert.Equal("Ack", watcher.Request("after-the-limit"));
            watcher.Dispose();
            await JournalServer.StopAsync(server);
        }
        finally
        {
            output.WriteLine($"server's stderr, without its connection lines:\n{string.Join('\n', server.StandardError.Split('\n').Where(line => !line.Contains(" connected", StringComparison.Ordinal)))}");
        }

        var (restarted, restartedEndPoint) = await JournalServer.StartAsync(_data.FullName, "--fsync", "always");
        await using (restarted)
        {
            var list = await JournalServer.ListAsync(restartedEndPoint);
            AssertAcknowledgedOnly(["before-the-limit", .. Acknowledged(histories), "after-the-limit"], list);
            Assert.Equal("after-the-limit", list[^1]);
            Assert.DoesNotContain("torn tail", restarted.StandardError, StringComparison.Ordinal);
            await JournalServer.StopAsync(restarted);
        }
    }

    public void Dispose() => _data.Delete(recursive: true);

    private static IEnumerable<string> Acknowledged(IEnumerable<ClientHistory> histories) =>
        histories.SelectMany(history => history.Acknowledged);

    // Exactly the acknowledged items, each client's in the order it sent them: a refused append stored nothing.
    private static void AssertAcknowledgedOnly(IReadOnlyList<string> acknowledged, IReadOnlyList<string> list)
    {
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), list.Order(StringComparer.Ordinal));
        foreach (var client in list.GroupBy(item => item.Split('-')[0]))
        {
            Assert.Equal(client.Order(StringComparer.Ordinal), client);
        }
    }

    // Appends until RefusedPerClient appends in a row were refused; items are "c3-000042".
    private static async Task<ClientHistory> AppendUntilRefusedAsync(IPEndPoint endPoint, int client)
    {
        var history = new ClientHistory(client);
        using var connection = await LineConnection.ConnectAsync(endPoint);
        for (var sequence = 0; sequence < MostAppendsPerClient && history.OtherReplies.Count < RefusedPerClient; sequence++)
        {
            var item = $"c{client}-{sequence:000000}";
            history.RecordSent(item);
            string reply;
            try
            {
                reply = connection.Request(item);
            }
            catch (Exception e) when (e is EndOfStreamException or System.Net.Sockets.SocketException)
            {
                history.RecordReply(item, $"(the connection closed without a reply: {e.Message})");
                break;
            }

            history.RecordReply(item, reply);
        }

        return history;
    }

    private async Task<(CliProcess Process, IPEndPoint EndPoint)> StartIgnoringFileSizeSignalAsync(string python)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["SHAREDLIST_PASSWORD"] = "" };
        var process = CliProcess.StartProgram(
            python,
            ["-c", IgnoreFileSizeSignal, "dotnet", CliProcess.CliPath, "serve", "--port", "0", "--data", _data.FullName, "--fsync", "always"],
            environment);
        try
        {
            var line = await process.ReadLineAsync(Timeout);
            var match = ReadinessLine().Match(line ?? string.Empty);
            Assert.True(match.Success, $"expected the readiness line, got '{line}'; stderr: {process.StandardError}");
            return (process, IPEndPoint.Parse(match.Groups["endpoint"].Value));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var (succeeded, error) = await TryRunAsync(program, arguments);
        Assert.True(succeeded, $"{program} {string.Join(' ', arguments)} failed: {error}");
    }

    private static async Task<(bool Succeeded, string Error)> TryRunAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode == 0, await error);
    }

    [GeneratedRegex(@"^listening on (?<endpoint>\S+) \((?<model>[^)]+)\)$")]
    private static partial Regex ReadinessLine();
}
