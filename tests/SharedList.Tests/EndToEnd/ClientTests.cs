using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SharedList.Protocol;
using SharedList.Tests.Models;
using SocketServer;
using SharedList.Tests.Support;

namespace SharedList.Tests.EndToEnd;

/// <summary>
/// <c>sharedlist connect</c> as a process with stdin redirected (the scripting mode): what it sends, what it
/// prints, how it quits. The servers are in-process (the client is under test here, not the server).
/// </summary>
public sealed class ClientTests
{
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    [Fact]
    public async Task A_script_prints_one_reply_per_line_and_end_of_input_quits_with_0()
    {
        await using var server = new ModelServer(ServerModel.Async);

        var run = await ScriptedClient.RunAsync(server.EndPoint, "a\nb\nLIST\nCLEAR\nLIST\n");

        Assert.Equal(["Ack", "Ack", "['a', 'b']", "Lista apagada", "[]"], run.Output);
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task A_last_line_without_newline_is_still_sent()
    {
        await using var server = new ModelServer(ServerModel.Async);

        var run = await ScriptedClient.RunAsync(server.EndPoint, "a\nLIST");

        Assert.Equal(["Ack", "['a']"], run.Output);
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task EXIT_quits_with_0_and_nothing_after_it_is_sent()
    {
        await using var server = new ModelServer(ServerModel.Async);

        var run = await ScriptedClient.RunAsync(server.EndPoint, "a\nEXIT\nb\nLIST\n");

        Assert.Equal(["Ack"], run.Output);
        Assert.Equal(0, run.ExitCode);

        // Once the server has seen the connection close it has handled everything sent on it.
        await Eventually.TrueAsync(() => server.Server.ActiveConnections == 0, Timeout, "the client's connection to close");
        Assert.Equal(ListStoreExtensions.Str("a"), server.List.Snapshot().ToString());
    }

    [Fact]
    public async Task Empty_lines_are_not_sent()
    {
        await using var server = new ModelServer(ServerModel.Async);

        // Sent, an empty message would be appended (the protocol stores it): LIST would show ''.
        var run = await ScriptedClient.RunAsync(server.EndPoint, "\na\n\n\nLIST\n\n");

        Assert.Equal(["Ack", "['a']"], run.Output);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(ListStoreExtensions.Str("a"), server.List.Snapshot().ToString());
    }

    [Fact]
    public async Task Empty_input_quits_with_0_and_prints_nothing()
    {
        await using var server = new ModelServer(ServerModel.Async);

        var run = await ScriptedClient.RunAsync(server.EndPoint, string.Empty);

        Assert.Empty(run.Output);
        Assert.Empty(run.Error);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(0, server.List.Count);
    }

    [Fact]
    public async Task Quotes_and_non_ASCII_round_trip_as_Python_prints_them()
    {
        await using var server = new ModelServer(ServerModel.Async);

        var run = await ScriptedClient.RunAsync(server.EndPoint, "it's\nolá ☃ 😀\nsay \"hi\"\nLIST\n");

        Assert.Equal(["Ack", "Ack", "Ack", """["it's", 'olá ☃ 😀', 'say "hi"']"""], run.Output);
        Assert.Equal(ListStoreExtensions.Str("it's", "olá ☃ 😀", "say \"hi\""), server.List.Snapshot().ToString());
    }

    [Fact]
    public async Task Raw_framing_talks_to_a_raw_server()
    {
        await using var server = new ModelServer(ServerModel.Async, Framing.Raw);

        var run = await ScriptedClient.RunAsync(server.EndPoint, "a\nit's\nLIST\nCLEAR\nLIST\n", "--framing", "raw");

        Assert.Equal(["Ack", "Ack", """['a', "it's"]""", "Lista apagada", "[]"], run.Output);
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task A_refused_connection_exits_1_with_a_clear_message()
    {
        using var refusing = RefusingPort.Tcp();
        var port = refusing.Port;
        await using var client = ScriptedClient.Start(refusing.EndPoint);

        // stdin stays open: the client must fail at connect, not wait for input first.
        Assert.Equal(1, await client.WaitForExitAsync(Timeout));
        Assert.Equal($"error: cannot connect to 127.0.0.1:{port}: connection refused (is the server running?)", client.StandardError.Trim());
        Assert.Empty(await client.ReadToEndAsync(Timeout));
    }

    [Fact]
    public async Task A_server_that_goes_away_mid_session_ends_the_client_with_1_and_an_error()
    {
        var server = new ModelServer(ServerModel.Async);
        await using (server)
        {
            await using var client = ScriptedClient.Start(server.EndPoint);
            await client.StandardInput.WriteLineAsync("a");
            Assert.Equal("Ack", await client.ReadLineAsync(Timeout));

            await server.DisposeAsync();
            await client.StandardInput.WriteLineAsync("b");

            Assert.Equal(1, await client.WaitForExitAsync(Timeout));
            Assert.Empty(await client.ReadToEndAsync(Timeout));
            var error = client.StandardError.Trim();
            Assert.StartsWith("error: ", error, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error);
        }
    }

    [Fact]
    public async Task UDP_sends_one_datagram_per_line_and_prints_each_reply()
    {
        await using var server = new ModelServer(ServerModel.Threading, udp: true);

        var run = await ScriptedClient.RunAsync(server.EndPoint, "a\nit's\nLIST\nCLEAR\nLIST\n", "--udp");

        Assert.Equal(["Ack", "Ack", """['a', "it's"]""", "Lista apagada", "[]"], run.Output);
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task UDP_with_no_server_exits_1_with_an_error()
    {
        using var refusing = RefusingPort.Udp();
        var port = refusing.Port;

        var run = await ScriptedClient.RunAsync(refusing.EndPoint, "a\n", "--udp", "--timeout", "1");

        // Nothing listens, so the kernel answers with ICMP port unreachable: no need to wait for the timeout,
        // and the message is the one TCP gives (UDP has no connection to call lost).
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal($"error: cannot connect to 127.0.0.1:{port}: connection refused (is the server running?)", run.Error.Trim());
    }

    [Fact]
    public async Task UDP_gives_up_after_the_timeout_when_no_reply_comes()
    {
        // A server that answers the first datagram and then stays silent.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = (int)Timeout.TotalMilliseconds };
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = (IPEndPoint)silent.LocalEndPoint!;
        await using var client = ScriptedClient.Start(endPoint, "--udp", "--timeout", "1");
        var buffer = new byte[1024];
        EndPoint sender = new IPEndPoint(IPAddress.Any, 0);

        await client.StandardInput.WriteLineAsync("first");
        var received = silent.ReceiveFrom(buffer, ref sender);
        Assert.Equal("first", Encoding.UTF8.GetString(buffer, 0, received));
        silent.SendTo("Ack"u8, sender);
        Assert.Equal("Ack", await client.ReadLineAsync(Timeout));

        var clock = Stopwatch.StartNew();
        await client.StandardInput.WriteLineAsync("second");
        received = silent.ReceiveFrom(buffer, ref sender);
        Assert.Equal("second", Encoding.UTF8.GetString(buffer, 0, received));

        Assert.Equal(1, await client.WaitForExitAsync(Timeout));
        clock.Stop();
        Assert.Equal($"error: no reply from {endPoint} within 1 s", client.StandardError.Trim());

        // The wait is --timeout 1, not the 5 s default (the lower bound allows for timer granularity).
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4.5));
    }
}
