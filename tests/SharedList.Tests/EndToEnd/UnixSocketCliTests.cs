using System.Net.Sockets;
using SharedList.Tests.Support;

namespace SharedList.Tests.EndToEnd;

/// <summary><c>serve --unix</c> and <c>connect --unix</c> as processes: serving, a killed server's socket file, a live one's.</summary>
public sealed class UnixSocketCliTests
{
    private const int Kill = 9;
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    [Theory]
    [InlineData("async")]
    [InlineData("threading")]
    [InlineData("select")]
    public async Task Connect_unix_appends_and_lists_on_serve_unix_and_EXIT_removes_the_socket_file(string model)
    {
        using var directory = new UnixSocketDirectory();
        var path = directory.PathOf("list.sock");
        await using var server = await StartServerAsync(path, "--model", model);

        var run = await ScriptedClient.RunAsync(new UnixDomainSocketEndPoint(path), "a\nb\nLIST\n");

        Assert.Equal(["Ack", "Ack", "['a', 'b']"], run.Output);
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);

        await server.StandardInput.WriteLineAsync("EXIT");
        await server.StandardInput.FlushAsync();
        Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_server_killed_with_SIGKILL_leaves_a_socket_file_that_the_next_serve_replaces()
    {
        using var directory = new UnixSocketDirectory();
        var path = directory.PathOf("list.sock");
        await using (var killed = await StartServerAsync(path))
        {
            killed.Signal(Kill);
            await killed.WaitForExitAsync(Timeout);
        }

        Assert.True(File.Exists(path), "a killed server cannot remove its socket file");

        await using var next = await StartServerAsync(path);
        var run = await ScriptedClient.RunAsync(new UnixDomainSocketEndPoint(path), "after\nLIST\n");
        Assert.Equal(["Ack", "['after']"], run.Output);
    }

    [Fact]
    public async Task Serve_on_a_live_servers_socket_fails_with_one_line_and_the_first_server_still_serves()
    {
        using var directory = new UnixSocketDirectory();
        var path = directory.PathOf("list.sock");
        await using var first = await StartServerAsync(path);

        await using (var second = CliProcess.Start("serve", "--unix", path))
        {
            Assert.Equal(1, await second.WaitForExitAsync(Timeout));
            Assert.Equal($"error: a server is already listening on {path}", second.StandardError.Trim());
        }

        var run = await ScriptedClient.RunAsync(new UnixDomainSocketEndPoint(path), "still\nLIST\n");
        Assert.Equal(["Ack", "['still']"], run.Output);
    }

    [Fact]
    public async Task Connect_unix_to_a_path_where_nothing_listens_says_so_and_exits_1()
    {
        using var directory = new UnixSocketDirectory();
        var path = directory.PathOf("nobody.sock");

        var run = await ScriptedClient.RunAsync(new UnixDomainSocketEndPoint(path), "a\n");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: cannot connect to {path}: no such socket (is the server running?)", run.Error.Trim());
    }

    [Theory]
    [InlineData("no-directory")]
    [InlineData("too-long")]
    public async Task Serve_unix_on_a_path_it_cannot_bind_says_why_in_one_line_and_exits_1(string problem)
    {
        using var directory = new UnixSocketDirectory();
        var (path, expected) = problem == "no-directory"
            ? (directory.PathOf("missing/list.sock"), "no such directory")
            : (directory.PathOf(new string('x', 120)), "too long for a socket's path");
        await using var process = CliProcess.Start("serve", "--unix", path);

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        Assert.Contains(expected, process.StandardError, StringComparison.Ordinal);
        Assert.Single(process.StandardError.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("serve", "--port", "0")]
    [InlineData("serve", "--udp")]
    [InlineData("connect", "--udp")]
    [InlineData("connect", "--tls")]
    public async Task Unix_refuses_the_options_of_another_transport(string command, params string[] options)
    {
        using var directory = new UnixSocketDirectory();
        await using var process = CliProcess.Start([command, "--unix", directory.PathOf("list.sock"), .. options]);

        Assert.NotEqual(0, await process.WaitForExitAsync(Timeout));
        Assert.Contains("--unix", process.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.StandardError, StringComparison.Ordinal);
    }

    private static async Task<CliProcess> StartServerAsync(string path, params string[] options)
    {
        var process = CliProcess.Start(["serve", "--unix", path, .. options]);
        try
        {
            var line = await process.ReadLineAsync(Timeout);
            Assert.StartsWith($"listening on {path} (", line, StringComparison.Ordinal);
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}
