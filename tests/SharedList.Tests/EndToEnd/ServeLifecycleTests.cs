using System.Net.Sockets;
using SharedList.Tests.Support;
using SocketServer;

namespace SharedList.Tests.EndToEnd;

/// <summary><c>sharedlist serve</c> as a process: readiness, stopping by EXIT and signals, errors, limits.</summary>
public sealed class ServeLifecycleTests
{
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    public static TheoryData<string, string> ModelsAndStops => new()
    {
        { "sequential", "EXIT" },
        { "threading", "EXIT" },
        { "pool", "SIGTERM" },
        { "select", "EXIT" },
        { "async", "SIGTERM" },
        { "async", "SIGINT" },
        { "select", "SIGTERM" },
        { "threading", "SIGTERM" },
    };

    [Theory]
    [MemberData(nameof(ModelsAndStops))]
    public async Task A_stop_refuses_new_clients_at_once_serves_the_connected_one_and_exits_0_when_it_leaves(string model, string stop)
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--model", model);
        await using (server)
        {
            var connected = await LineConnection.ConnectAsync(endPoint);
            Assert.Equal("Ack", connected.Request("before"));

            Stop(server, stop);
            await server.WaitForStandardErrorAsync("no new connections", Timeout);

            // Stopped accepting: a new client is refused (or, at worst, closed without being served).
            await Eventually.TrueAsync(() => IsRefused(endPoint), Timeout, "new connections to be refused");

            // The connected client is still served, for as many rounds as it likes.
            Assert.Equal("Ack", connected.Request("during"));
            Assert.Equal("['before', 'during']", connected.Request("LIST"));
            Assert.False(server.HasExited);

            connected.Dispose();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Theory]
    [InlineData("--model", "epoll")]
    [InlineData("--model", "epoll", "--no-io-uring")]
    [InlineData("--model", "epoll", "--coalesce-us", "0")]
    [InlineData("--model", "select", "--coalesce-us", "1000")]
    public async Task The_event_loops_serve_with_and_without_their_ring_and_pause(params string[] options)
    {
        var (server, endPoint) = await CliProcess.StartServerAsync(options);
        await using (server)
        {
            using (var connected = await LineConnection.ConnectAsync(endPoint))
            {
                Assert.Equal("Ack", connected.Request("one"));
                Assert.Equal("Ack", connected.Request("two"));
                Assert.Equal("['one', 'two']", connected.Request("LIST"));
            }

            Stop(server, "EXIT");
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Fact]
    public async Task The_shutdown_timeout_closes_a_client_that_stays_and_the_server_exits_0()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--shutdown-timeout", "0.5");
        await using (server)
        {
            using var stays = await LineConnection.ConnectAsync(endPoint);
            Assert.Equal("Ack", stays.Request("x"));
            server.Signal(Signals.Terminate);
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
            Assert.True(stays.IsClosedByServer());
        }
    }

    [Fact]
    public async Task A_second_Ctrl_C_closes_everything_at_once_says_so_and_exits_130()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--shutdown-timeout", "600");
        await using (server)
        {
            using var stays = await LineConnection.ConnectAsync(endPoint);
            Assert.Equal("Ack", stays.Request("x"));
            server.Signal(Signals.Interrupt);
            await server.WaitForStandardErrorAsync("Waiting for the connected client to leave", Timeout);
            server.Signal(Signals.Interrupt);
            Assert.Equal(130, await server.WaitForExitAsync(Timeout));
            Assert.True(stays.IsClosedByServer());

            Assert.Contains("SIGINT again: closing every connection at once", server.StandardError, StringComparison.Ordinal);
            Assert.Contains("Closing every connection at once, as asked", server.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("Drain time over", server.StandardError, StringComparison.Ordinal);
            Assert.Single(server.StandardError.Split('\n'), line => line.Contains("no new connections", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SIGTERM_twice_at_once_is_one_graceful_stop_as_timeout_sends_it()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--shutdown-timeout", "600");
        await using (server)
        {
            using var stays = await LineConnection.ConnectAsync(endPoint);
            Assert.Equal("Ack", stays.Request("x"));
            server.Signal(Signals.Terminate);
            server.Signal(Signals.Terminate);
            await server.WaitForStandardErrorAsync("no new connections", Timeout);

            // Still draining: the connected client is served, then leaves, and the stop is graceful.
            Assert.Equal("['x']", stays.Request("LIST"));
            stays.Dispose();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
            Assert.DoesNotContain("at once", server.StandardError, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("quit")]
    [InlineData("exit")]
    [InlineData(" Exit ")]
    public async Task Exit_or_quit_typed_in_any_case_stops_the_server(string command)
    {
        var (server, _) = await CliProcess.StartServerAsync();
        await using (server)
        {
            await server.StandardInput.WriteLineAsync(command);
            await server.StandardInput.FlushAsync();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
            Assert.Contains("EXIT: no new connections", server.StandardError, StringComparison.Ordinal);

            // Nobody was connected: nobody is waited for.
            Assert.DoesNotContain("Waiting for", server.StandardError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Another_word_typed_in_the_server_terminal_gets_a_hint()
    {
        var (server, _) = await CliProcess.StartServerAsync();
        await using (server)
        {
            await server.StandardInput.WriteLineAsync("stop");
            await server.StandardInput.FlushAsync();
            await server.WaitForStandardErrorAsync("Unknown command 'stop': type EXIT (or quit) to stop the server", Timeout);
            Assert.False(server.HasExited);
            server.Signal(Signals.Terminate);
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Fact]
    public async Task Log_lines_carry_no_event_ids_unless_verbose()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync();
        await using (server)
        {
            using (var client = await LineConnection.ConnectAsync(endPoint))
            {
                Assert.Equal("Ack", client.Request("x"));
            }

            await server.WaitForStandardErrorAsync("disconnected", Timeout);
            server.Signal(Signals.Terminate);
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
            Assert.Contains($"info: Client {endPoint.Address}", server.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("[1]", server.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("[0]", server.StandardError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_raw_framing_each_change_and_the_list_are_logged_as_the_lab_prints_them()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--framing", "raw");
        await using (server)
        {
            using var client = await LineConnection.ConnectAsync(endPoint);
            client.Send("hello");
            await server.WaitForStandardErrorAsync("info: ", Timeout);
            await server.WaitForStandardErrorAsync(": hello -> lista= ['hello']", Timeout);
            server.Signal(Signals.Terminate);
            client.Dispose();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Fact]
    public async Task It_binds_IPv6_and_names_the_real_address()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--host", "::1");
        await using (server)
        {
            Assert.Equal(AddressFamily.InterNetworkV6, endPoint.AddressFamily);
            using (var client = await LineConnection.ConnectAsync(endPoint))
            {
                Assert.Equal("Ack", client.Request("over IPv6"));
            }

            server.StandardInput.WriteLine("EXIT");
            server.StandardInput.Flush();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Theory, MemberData(nameof(EveryModel.Datagram), MemberType = typeof(EveryModel))]
    public async Task UDP_serves_datagrams_and_stops_on_EXIT(ServerModel model)
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--udp", "--model", model.Name());
        await using (server)
        {
            using var client = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 30_000 };
            client.Connect(endPoint);
            var buffer = new byte[1024];
            client.Send("datagram"u8);
            Assert.Equal("Ack", System.Text.Encoding.UTF8.GetString(buffer, 0, client.Receive(buffer)));
            client.Send("LIST"u8);
            Assert.Equal("['datagram']", System.Text.Encoding.UTF8.GetString(buffer, 0, client.Receive(buffer)));

            server.StandardInput.WriteLine("EXIT");
            server.StandardInput.Flush();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Fact]
    public async Task End_of_stdin_does_not_stop_the_server()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync();
        await using (server)
        {
            server.StandardInput.Close();
            using (var client = await LineConnection.ConnectAsync(endPoint))
            {
                // A round trip after stdin closed proves the server is still up, not just unexited yet.
                Assert.Equal("Ack", client.Request("still here"));
                Assert.Equal("['still here']", client.Request("LIST"));
            }

            Assert.False(server.HasExited);
            server.Signal(Signals.Terminate);
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Fact]
    public async Task A_port_in_use_gives_one_clear_line_and_a_non_zero_exit()
    {
        var (first, endPoint) = await CliProcess.StartServerAsync();
        await using (first)
        {
            await using var second = CliProcess.Start("serve", "--port", endPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var code = await second.WaitForExitAsync(Timeout);
            Assert.NotEqual(0, code);
            var stderr = second.StandardError.Trim();
            Assert.Equal($"error: cannot listen on {endPoint}: address already in use (is another server running on that port?)", stderr);
            Assert.Empty(await second.ReadToEndAsync(Timeout));
        }
    }

    [Theory]
    [InlineData("--model", "forking")]
    [InlineData("--port", "70000")]
    [InlineData("--workers", "0")]
    [InlineData("--udp", "--model", "select")]
    [InlineData("--udp")]
    [InlineData("--no-such-option")]
    public async Task A_bad_option_gives_an_error_and_a_non_zero_exit(params string[] options)
    {
        await using var process = CliProcess.Start(["serve", .. options]);
        Assert.NotEqual(0, await process.WaitForExitAsync(Timeout));
        Assert.NotEmpty(process.StandardError);
        Assert.DoesNotContain("   at ", process.StandardError, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Max_connections_refuses_the_extra_client_and_frees_the_slot_when_one_leaves(ServerModel model)
    {
        var limit = model == ServerModel.Sequential ? 1 : 2;
        var (server, endPoint) = await CliProcess.StartServerAsync("--model", model.Name(), "--max-connections", limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using (server)
        {
            if (model == ServerModel.Sequential)
            {
                // One at a time by construction: the next client waits in the backlog and is served when the first leaves.
                var only = await LineConnection.ConnectAsync(endPoint);
                Assert.Equal("Ack", only.Request("a"));
                using var waiting = await LineConnection.ConnectAsync(endPoint);
                waiting.Send("LIST\n");
                only.Dispose();
                Assert.Equal("['a']", waiting.ReadLine());
                return;
            }

            var clients = new List<LineConnection>();
            for (var i = 0; i < limit; i++)
            {
                var client = await LineConnection.ConnectAsync(endPoint);
                Assert.Equal("Ack", client.Request($"c{i}"));
                clients.Add(client);
            }

            using (var extra = await LineConnection.ConnectAsync(endPoint))
            {
                Assert.Equal("ERR too many connections", extra.ReadLine());
                Assert.True(extra.IsClosedByServer());
            }

            clients[0].Dispose();
            await Eventually.TrueAsync(() => ServesNewClient(endPoint), Timeout, "a freed slot to be given to a new client");
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static void Stop(CliProcess server, string how)
    {
        switch (how)
        {
            case "EXIT":
                server.StandardInput.WriteLine("EXIT");
                server.StandardInput.Flush();
                break;
            case "SIGTERM":
                server.Signal(Signals.Terminate);
                break;
            case "SIGINT":
                server.Signal(Signals.Interrupt);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(how), how, null);
        }
    }

    private static bool IsRefused(System.Net.EndPoint endPoint)
    {
        try
        {
            using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(endPoint);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
        {
            // Reset: the handshake reached the listener's queue as the listener closed, and the kernel dropped it.
            return true;
        }
    }

    private static bool ServesNewClient(System.Net.EndPoint endPoint)
    {
        using var client = LineConnection.ConnectAsync(endPoint).GetAwaiter().GetResult();
        client.Send("LIST\n");
        var reply = client.ReadLine();
        return reply is not null && reply.StartsWith('[');
    }
}
