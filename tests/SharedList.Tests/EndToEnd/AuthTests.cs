using SharedList.Tests.Models;
using SocketServer;
using SharedList.Tests.Support;

namespace SharedList.Tests.EndToEnd;

/// <summary>Access control through the real program: <c>serve --requirepass</c>, <c>connect --password</c>, the variable.</summary>
public sealed class AuthTests
{
    private const string Secret = "s3cret";

    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    private static readonly Dictionary<string, string> SecretInEnvironment = new() { ["SHAREDLIST_PASSWORD"] = Secret };

    [Fact]
    public async Task Serve_with_requirepass_and_connect_with_password_work_together()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--requirepass", Secret);
        await using (server)
        {
            var run = await ScriptedClient.RunAsync(endPoint, "a\nLIST\n", "--password", Secret);
            var anonymous = await ScriptedClient.RunAsync(endPoint, "b\nLIST\n");

            // The AUTH reply is not printed: a script's output is the same with or without a password.
            Assert.Equal(["Ack", "['a']"], run.Output);
            Assert.Equal(0, run.ExitCode);
            Assert.Empty(run.Error);
            Assert.Equal(["ERR authentication required", "ERR authentication required"], anonymous.Output);
            await StopAsync(server);
        }
    }

    [Fact]
    public async Task A_wrong_password_makes_connect_exit_1_with_the_servers_reply()
    {
        await using var server = new ModelServer(ServerModel.Async, password: Secret);

        var run = await ScriptedClient.RunAsync(server.EndPoint, "a\n", "--password", "wrong");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal("error: authentication failed: ERR invalid password", run.Error.Trim());
        Assert.Equal(0, server.List.Count);
    }

    [Fact]
    public async Task A_password_for_a_server_without_one_fails_the_same_way()
    {
        await using var server = new ModelServer(ServerModel.Async);

        var run = await ScriptedClient.RunAsync(server.EndPoint, "a\n", "--password", Secret);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: authentication failed: ERR no password is set", run.Error.Trim());
    }

    [Fact]
    public async Task SHAREDLIST_PASSWORD_is_read_by_serve_and_by_connect()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync(SecretInEnvironment);
        await using (server)
        {
            using (var anonymous = await LineConnection.ConnectAsync(endPoint))
            {
                Assert.Equal("ERR authentication required", anonymous.Request("LIST"));
            }

            var run = await ScriptedClient.RunAsync(endPoint, "a\nLIST\n", SecretInEnvironment);

            Assert.Equal(["Ack", "['a']"], run.Output);
            Assert.Equal(0, run.ExitCode);
            await StopAsync(server);
        }
    }

    [Fact]
    public async Task The_options_win_over_the_variable_and_an_empty_one_means_no_password()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync(SecretInEnvironment, "--requirepass", "");
        await using (server)
        {
            using (var anonymous = await LineConnection.ConnectAsync(endPoint))
            {
                Assert.Equal("Ack", anonymous.Request("served without AUTH"));
            }

            await StopAsync(server);
        }

        await using var protectedServer = new ModelServer(ServerModel.Async, password: Secret);
        var run = await ScriptedClient.RunAsync(protectedServer.EndPoint, "LIST\n", new Dictionary<string, string> { ["SHAREDLIST_PASSWORD"] = "wrong" }, "--password", Secret);
        Assert.Equal(["[]"], run.Output);
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task The_server_never_prints_a_password_even_verbose()
    {
        string[] secrets = [Secret, "guess-1", "guess-2", "guess-3"];
        var (server, endPoint) = await CliProcess.StartServerAsync("--verbose", "--requirepass", Secret);
        await using (server)
        {
            using (var guesser = await LineConnection.ConnectAsync(endPoint))
            {
                Assert.Equal("ERR authentication required", guesser.Request(Secret));
                Assert.Equal("ERR invalid password", guesser.Request("AUTH guess-1"));
                Assert.Equal("ERR invalid password", guesser.Request("AUTH guess-2"));
                Assert.Equal("ERR invalid password", guesser.Request("AUTH guess-3"));
                Assert.True(guesser.IsClosedByServer());
            }

            using (var client = await LineConnection.ConnectAsync(endPoint))
            {
                Assert.Equal("OK", client.Request("AUTH " + Secret));
                Assert.Equal("Ack", client.Request("item"));
            }

            await server.WaitForStandardErrorAsync("request item", Timeout);
            var output = await StopAsync(server);

            Assert.Contains("AUTH ***", server.StandardError, StringComparison.Ordinal);
            Assert.Contains("3 wrong passwords, closing", server.StandardError, StringComparison.Ordinal);
            Assert.All(secrets, secret =>
            {
                Assert.DoesNotContain(secret, server.StandardError, StringComparison.Ordinal);
                Assert.DoesNotContain(output, line => line.Contains(secret, StringComparison.Ordinal));
            });
        }
    }

    [Theory]
    [InlineData("0.0.0.0", null, true)]
    [InlineData("::", null, true)]
    [InlineData("0.0.0.0", Secret, false)]
    [InlineData("127.0.0.1", null, false)]
    [InlineData("::1", null, false)]
    public async Task Binding_beyond_loopback_without_a_password_warns(string host, string? password, bool warns)
    {
        string[] options = password is null ? ["--host", host] : ["--host", host, "--requirepass", password];
        var (server, endPoint) = await CliProcess.StartServerAsync(options);
        await using (server)
        {
            // Stopped first: once the process has exited its whole stderr has been read, so an absence means something.
            await StopAsync(server);

            var warning = $"warning: listening on {endPoint} without a password: anyone who can reach it can read and change the list (set --requirepass or SHAREDLIST_PASSWORD)";
            var lines = server.StandardError.Split('\n');
            if (warns)
            {
                Assert.Contains(warning, lines);
            }
            else
            {
                Assert.DoesNotContain("warning", server.StandardError, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("--requirepass")]
    [InlineData("SHAREDLIST_PASSWORD")]
    public async Task A_password_with_UDP_is_refused_with_a_clear_message(string origin)
    {
        var (environment, options) = origin == "--requirepass"
            ? (null, new[] { "serve", "--udp", "--model", "threading", "--requirepass", Secret })
            : (SecretInEnvironment, new[] { "serve", "--udp", "--model", "threading" });
        await using var process = CliProcess.Start(environment, options);

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        Assert.Empty(await process.ReadToEndAsync(Timeout));
        Assert.Equal(
            $"error: a password ({origin}) cannot be used with --udp: each datagram is on its own, so there is no connection to authenticate (serve UDP without a password, or serve TCP)",
            process.StandardError.Trim());
    }

    [Fact]
    public async Task Connect_refuses_a_password_with_UDP()
    {
        await using var server = new ModelServer(ServerModel.Threading, udp: true);

        var run = await ScriptedClient.RunAsync(server.EndPoint, "a\n", "--udp", "--password", Secret);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: a password (--password) cannot be used with --udp: a UDP server has no connection to authenticate", run.Error.Trim());
        Assert.Equal(0, server.List.Count);
    }

    [Fact]
    public async Task A_password_with_a_line_break_is_refused()
    {
        await using var process = CliProcess.Start("serve", "--port", "0", "--requirepass", "two\nlines");

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        Assert.Equal("error: the password (--requirepass) cannot contain line breaks: a client could not send it", process.StandardError.Trim());
    }

    /// <summary>Types EXIT, waits for exit 0, returns the rest of stdout.</summary>
    private static async Task<IReadOnlyList<string>> StopAsync(CliProcess server)
    {
        await server.StandardInput.WriteLineAsync("EXIT");
        await server.StandardInput.FlushAsync();
        var output = await server.ReadToEndAsync(Timeout);
        Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        return output;
    }
}
