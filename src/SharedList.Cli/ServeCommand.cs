using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Net.Sockets;
using SharedList.Hosting;
using SharedList.Metrics;
using Framing = SharedList.Protocol.Framing;
using Password = SharedList.Service.Password;
using SharedList.Stores;
using SocketServer;

namespace SharedList.Cli;

/// <summary><c>sharedlist serve</c>: options → server → readiness line → serve until told to stop → drain → exit 0.</summary>
internal static class ServeCommand
{
    private static readonly ServerSettings Defaults = new();

    private static readonly Option<string> Model = ModelOption.Create(
        "--model",
        "Concurrency model: sequential (one client at a time), threading (a thread per client), pool (--workers threads), select (one thread, Socket.Select), async (async sockets, no thread per client), epoll (one thread, Linux epoll, as Redis).",
        Defaults.Model,
        "-m");

    private static readonly Option<bool> Udp = new("--udp") { Description = "Serve over UDP, one datagram per message (models sequential and threading)." };

    private static readonly Option<string> FramingOption = EnumOption.Create(
        "--framing",
        "TCP message framing: line (a message ends with \\n, replies end with \\n) or raw (each receive is one message, replies have no terminator: the course's Python clients).",
        Defaults.Framing);

    private static readonly Option<string> Host = new("--host") { Description = "Address to bind, IPv4 or IPv6.", DefaultValueFactory = _ => ServerSettings.DefaultEndPoint.Address.ToString() };

    private static readonly Option<int> Port = new("--port", "-p") { Description = "Port to bind; 0 picks a free one (printed in the readiness line).", DefaultValueFactory = _ => ServerSettings.DefaultEndPoint.Port };

    private static readonly Option<string> Unix = new("--unix")
    {
        Description = "Serve on a Unix-domain socket at this path instead of TCP (any model; not with --host, --port, --udp or --tls-cert). A stale socket file left by a killed server is replaced; a live server's never.",
        HelpName = "path",
    };

    private static readonly Option<int> Backlog = new("--backlog") { Description = "Listen backlog: connections queued by the kernel before they are accepted.", DefaultValueFactory = _ => Defaults.Options.Backlog };

    private static readonly Option<int> Workers = new("--workers") { Description = "Worker threads of the pool model; clients beyond them wait.", DefaultValueFactory = _ => Defaults.Options.PoolWorkers };

    private static readonly Option<int> MaxConnections = new("--max-connections") { Description = "Connections served at once; the next gets 'ERR too many connections' and is closed.", DefaultValueFactory = _ => Defaults.Options.MaxConnections };

    private static readonly Option<int> MaxMessage = new("--max-message") { Description = "Largest message in bytes; a longer one gets 'ERR message too long' and the connection is closed.", DefaultValueFactory = _ => Defaults.MaxMessageBytes };

    private static readonly Option<int> MaxItems = new("--max-items") { Description = "Items the list holds at most; an append past it gets 'ERR list full' and stores nothing.", DefaultValueFactory = _ => Defaults.MaxItems };

    private static readonly Option<int> MaxReplyBuffer = new("--max-reply-buffer") { Description = "Reply bytes held in server memory per connection; longer replies (a big LIST) are sent in pieces as the client reads.", DefaultValueFactory = _ => Defaults.MaxReplyBuffer };

    private static readonly Option<double> IdleTimeout = new("--idle-timeout") { Description = "Seconds a connection may send nothing before it is closed; 0 = never.", DefaultValueFactory = _ => Defaults.Options.IdleTimeout.TotalSeconds };

    private static readonly Option<double> StallTimeout = new("--stall-timeout") { Description = "Seconds a connection may leave a message unfinished or its replies unread before it is closed (slow clients, clients that never read); 0 = never.", DefaultValueFactory = _ => Defaults.Options.StallTimeout.TotalSeconds };

    private static readonly Option<double> ShutdownTimeout = new("--shutdown-timeout") { Description = "Seconds to keep serving connected clients after EXIT/SIGINT/SIGTERM before closing them.", DefaultValueFactory = _ => Defaults.ShutdownTimeout.TotalSeconds };

    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Log every request and the resulting list (debug level)." };

    private static readonly Option<string> RequirePass = new("--requirepass") { Description = $"Password clients must send with 'AUTH <password>' before anything else (default: ${PasswordSource.EnvironmentVariable}; empty for none). Not with --udp." };

    private static readonly Option<string> Store = new("--store")
    {
        Description = "Where the lists live: memory (this process; a restart starts empty), or a Redis-compatible server, redis://[user:password@]host:port[/db] or rediss:// for TLS (shared by every process that uses it). For a journal on disk, use --data.",
        HelpName = "memory|redis://host:port",
        DefaultValueFactory = _ => "memory",
    };

    private static readonly Option<string> Data = new("--data")
    {
        Description = "Keep the lists in a journal in this directory (created if missing), replayed at start-up: they outlive the process. Not with --store redis://.",
        HelpName = "dir",
    };

    private static readonly Option<string> Fsync = new("--fsync")
    {
        Description = "With --data, when the journal is synced to disk, as Redis's appendfsync: always (before every Ack), everysec (once a second: a machine crash loses at most about a second), no (the OS decides).",
        DefaultValueFactory = _ => "everysec",
    };

    private static readonly Option<bool> Repair = new("--repair") { Description = "With --data, cut a journal damaged in the middle where the damage begins (losing what follows), instead of refusing to start." };

    private static readonly Option<string> ListKey = new("--list-key") { Description = "The name of the list the line protocol serves: the key Redis clients see it under.", DefaultValueFactory = _ => Defaults.ListKey };

    private static readonly Option<bool> ReusePort = new("--reuse-port") { Description = "Let several sharedlist processes listen on this port (SO_REUSEPORT, Linux), the kernel spreading clients among them. Only with --store redis://: processes share no memory." };

    private static readonly Option<bool> NoIoUring = new("--no-io-uring") { Description = "With --model epoll: one system call per receive and per send, instead of each round's receives and then its sends submitted together through io_uring (used by default where the kernel allows it)." };

    private static readonly Option<int> CoalesceMicroseconds = new("--coalesce-us")
    {
        Description = "With --model select or epoll: the longest pause, in microseconds, the loop makes under load after a round that served few connections, so that its next round serves more for one wake-up. The pause follows the load, at most a quarter of the time between one client's requests; one client, a few fast ones, or a quiet server never wait. 0 = never.",
        DefaultValueFactory = _ => (int)Defaults.Options.CoalesceDelay.TotalMicroseconds,
    };

    private static readonly Option<int> MetricsPort = new("--metrics-port")
    {
        Description = "Serve metrics over HTTP on this port: /metrics (Prometheus text format) and a live status page at /; 0 picks a free port (printed after the readiness line). Off by default.",
    };

    private static readonly Option<int> RespPort = new("--resp-port")
    {
        Description = "Also serve the Redis protocol (RESP2) on this port of the same host, on the same lists: redis-cli, redis-benchmark and Redis client libraries read and change them (RPUSH, LRANGE…); 0 picks a free port (printed in its own readiness line). TCP only: not with --udp or --unix.",
    };

    private static readonly Option<string> MetricsHost = new("--metrics-host") { Description = "Address the metrics port binds (with --metrics-port).", DefaultValueFactory = _ => IPAddress.Loopback.ToString() };

    public static Command Create()
    {
        var command = new Command("serve", "Run the shared-list server. Type EXIT (or send SIGINT/SIGTERM) to stop accepting and exit once connected clients leave.")
        {
            Model, Udp, FramingOption, Host, Port, Unix, Backlog, Workers, MaxConnections, MaxMessage, MaxItems, MaxReplyBuffer, IdleTimeout, StallTimeout, ShutdownTimeout, Verbose, RequirePass,
            Store, Data, Fsync, Repair, ListKey, ReusePort, NoIoUring, CoalesceMicroseconds, MetricsPort, MetricsHost, RespPort,
        };
        ServeTlsOptions.AddTo(command, Model, Defaults.Model, Udp);
        command.Validators.Add(result =>
        {
            // First: with --unix, what else is wrong about TCP or UDP is beside the point (one error is shown).
            if (result.Peek(Unix) is not null)
            {
                foreach (var instead in new Option[] { Host, Port, Udp }.Where(o => result.GetResult(o) is { Implicit: false }))
                {
                    result.AddError($"--unix serves on a Unix socket instead of TCP: it does not go with {instead.Name}.");
                }

                if (result.GetResult("--tls-cert") is not null)
                {
                    result.AddError("--tls-cert does not work with --unix: only this machine reaches a Unix socket, as its file's permissions allow, so TLS is served over TCP only.");
                }
            }

            foreach (var error in StoreErrors(result))
            {
                result.AddError(error);
            }

            var model = ModelOption.GetValueOrDefault(result, Model, Defaults.Model);
            if (result.Peek(Udp) && !model.SupportsDatagrams())
            {
                result.AddError("--udp works with --model sequential or threading (UdpServer, ThreadingUdpServer).");
            }

            if (result.Peek(NoIoUring) && model != ServerModel.Epoll)
            {
                result.AddError("--no-io-uring is about the epoll model's system calls: it needs --model epoll.");
            }

            if (result.Given(CoalesceMicroseconds) && model is not (ServerModel.Select or ServerModel.Epoll))
            {
                result.AddError("--coalesce-us is about the select and epoll models' loop: it needs --model select or epoll.");
            }

            if (result.Given(RespPort) && (result.Peek(Udp) || result.Peek(Unix) is not null))
            {
                result.AddError($"--resp-port serves the Redis protocol over TCP: it does not go with {(result.Peek(Udp) ? "--udp" : "--unix")}.");
            }

            if (result.Given(MetricsHost) && !result.Given(MetricsPort))
            {
                result.AddError("--metrics-host is where the metrics are served: it needs --metrics-port.");
            }

            if (!model.IsSupportedHere())
            {
                result.AddError($"--model {model.Name()} needs Linux; use async or select here.");
            }
        });
        AcceptedValues.AcceptEmpty(RequirePass);
        Fsync.AcceptOneOf(["always", "everysec", "no"]);
        Store.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var text }] && StoreAddress.Parse(text, out _) is { } error)
            {
                result.AddError($"--store: {error}");
            }
        });
        Port.AcceptWhole(0, 65535);
        MetricsPort.AcceptWhole(0, 65535);
        RespPort.AcceptWhole(0, 65535);
        CoalesceMicroseconds.AcceptWhole(0, (int)ServerOptions.MaxCoalesceDelay.TotalMicroseconds, unit: "microseconds");
        Backlog.AcceptWhole(1);
        Workers.AcceptWhole(1);
        MaxConnections.AcceptWhole(1);
        MaxMessage.AcceptWhole(1, unit: "bytes");
        MaxItems.AcceptWhole(1);
        MaxReplyBuffer.AcceptWhole(1, unit: "bytes");
        IdleTimeout.AcceptSeconds(0, 86_400);
        StallTimeout.AcceptSeconds(0, 86_400);
        ShutdownTimeout.AcceptSeconds(0, 86_400);
        command.SetAction((parse, _) => RunAsync(parse));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse)
    {
        EndPoint endPoint;
        try
        {
            endPoint = parse.GetValue(Unix) is { } path
                ? new UnixDomainSocketEndPoint(path)
                : new IPEndPoint(HostName.Resolve(parse.GetValue(Host)!), parse.GetValue(Port));
        }
        catch (SocketException e)
        {
            await Console.Error.WriteLineAsync($"error: cannot resolve --host {parse.GetValue(Host)}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: --unix {parse.GetValue(Unix)}: {UnixPath.DescribeInvalid(e)}").ConfigureAwait(false);
            return 1;
        }

        var password = PasswordSource.Resolve(parse, RequirePass);
        if (password is not null && PasswordError(parse, password) is { } passwordError)
        {
            await Console.Error.WriteLineAsync($"error: {passwordError}").ConfigureAwait(false);
            return 1;
        }

        if (!ServeTlsOptions.TryLoad(parse, out var tls, out var tlsError))
        {
            await Console.Error.WriteLineAsync($"error: {tlsError}").ConfigureAwait(false);
            return 1;
        }

        StoreAddress.Parse(parse.GetValue(Store)!, out var redis);
        var storeSettings = new StoreSettings
        {
            DataDirectory = parse.GetValue(Data),
            Fsync = parse.GetValue(Fsync) switch
            {
                "always" => FsyncPolicy.Always,
                "no" => FsyncPolicy.No,
                _ => FsyncPolicy.EverySecond,
            },
            Repair = parse.GetValue(Repair),
            Redis = redis,
            MaxItems = parse.GetValue(MaxItems),
        };

        using var certificate = tls?.ServerCertificate;
        var settings = new ServerSettings
        {
            Model = ServerModels.Parse(parse.GetValue(Model)!),
            Udp = parse.GetValue(Udp),
            Framing = parse.GetValue<Framing>(FramingOption),
            EndPoint = endPoint,
            Options = Defaults.Options with
            {
                Backlog = parse.GetValue(Backlog),
                PoolWorkers = parse.GetValue(Workers),
                MaxConnections = parse.GetValue(MaxConnections),
                IdleTimeout = TimeSpan.FromSeconds(parse.GetValue(IdleTimeout)),
                StallTimeout = TimeSpan.FromSeconds(parse.GetValue(StallTimeout)),
                Tls = tls,
                AllowReusePort = parse.GetValue(ReusePort),
                UseIoUring = !parse.GetValue(NoIoUring),
                CoalesceDelay = TimeSpan.FromMicroseconds(parse.GetValue(CoalesceMicroseconds)),
            },
            ListKey = parse.GetValue(ListKey)!,
            MaxMessageBytes = parse.GetValue(MaxMessage),
            MaxItems = parse.GetValue(MaxItems),
            MaxReplyBuffer = parse.GetValue(MaxReplyBuffer),
            ShutdownTimeout = TimeSpan.FromSeconds(parse.GetValue(ShutdownTimeout)),
            Password = Password.FromOptional(password),
            RespPort = parse.GetResult(RespPort) is null ? null : parse.GetValue(RespPort),
        };

        if (settings.Model == ServerModel.Async && !settings.Udp)
        {
            InlineSocketCompletions.EnableUnlessSet();
        }

        using var logging = Logging.Create(parse.GetValue(Verbose));
        var logger = logging.CreateLogger("sharedlist");

        IListStore store;
        try
        {
            store = ListStores.Open(storeSettings, logging);
        }
        catch (StoreOpenException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        using var storeInUse = store;
        SocketServer.IServer server;
        try
        {
            server = ServerFactory.Create(settings, store, logging);
        }
        catch (SocketException e)
        {
            var message = endPoint is UnixDomainSocketEndPoint ? DescribeUnix(e, endPoint.ToString()!) : $"cannot listen on {settings.EndPoint}: {Describe(e)}";
            await Console.Error.WriteLineAsync($"error: {message}").ConfigureAwait(false);
            return 1;
        }

        SocketServer.IServer? resp = null;
        if (settings.RespPort is not null)
        {
            try
            {
                resp = ServerFactory.CreateResp(settings, store, logging);
            }
            catch (SocketException e)
            {
                server.Dispose();
                await Console.Error.WriteLineAsync($"error: cannot serve the Redis protocol on port {settings.RespPort}: {Describe(e)}").ConfigureAwait(false);
                return 1;
            }
        }

        using (server)
        using (resp)
        using (var signals = new StopSignals(Console.In, logger.StopRequested, logger.AbortRequested, logger.RepeatIgnored, logger.UnknownCommand))
        {
            server.Start();
            resp?.Start();
            if (settings.Password is null && endPoint is IPEndPoint { Address: var address } && !IPAddress.IsLoopback(address))
            {
                await Console.Error.WriteLineAsync(OpenToAllWarning(server.LocalEndPoint, settings.Udp)).ConfigureAwait(false);
            }

            Console.Out.WriteLine($"listening on {server.LocalEndPoint} ({settings.ModelName})");
            if (resp is not null)
            {
                Console.Out.WriteLine($"resp listening on {resp.LocalEndPoint}");
            }

            Console.Out.Flush();

            await using var metrics = await StartMetricsAsync(parse).ConfigureAwait(false);
            if (parse.GetResult(MetricsPort) is not null && metrics is null)
            {
                await StopAsync(server, resp, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
                return 1;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, signals.Stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Asked to stop: drain below.
            }

            logger.Draining(server.ActiveConnections + (resp?.ActiveConnections ?? 0), settings.ShutdownTimeout.TotalSeconds);
            await StopAsync(server, resp, settings.ShutdownTimeout, signals.Abort).ConfigureAwait(false);
            logger.Stopped();
            return signals.Abort.IsCancellationRequested ? ExitCodes.Aborted : ExitCodes.Stopped;
        }
    }

    // Both protocols drain at once, within the one shutdown timeout, and abort together.
    private static Task StopAsync(SocketServer.IServer server, SocketServer.IServer? resp, TimeSpan drainTimeout, CancellationToken abortNow) =>
        Task.WhenAll(server.StopAsync(drainTimeout, abortNow), resp?.StopAsync(drainTimeout, abortNow) ?? Task.CompletedTask);

    // Off unless asked for; null also when it cannot start, after saying why.
    private static async Task<MetricsEndpoint?> StartMetricsAsync(ParseResult parse)
    {
        if (parse.GetResult(MetricsPort) is null)
        {
            return null;
        }

        var host = parse.GetValue(MetricsHost)!;
        try
        {
            var endpoint = await MetricsEndpoint.StartAsync(HostName.Resolve(host), parse.GetValue(MetricsPort)).ConfigureAwait(false);
            Console.Out.WriteLine($"metrics on {endpoint.Address}metrics");
            Console.Out.Flush();
            return endpoint;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            await Console.Error.WriteLineAsync($"error: cannot serve metrics on {host}:{parse.GetValue(MetricsPort)}: {e.Message}").ConfigureAwait(false);
            return null;
        }
    }

    // What cannot go together about the store; the value of --store itself is checked by its own validator.
    private static IEnumerable<string> StoreErrors(CommandResult result)
    {
        var redis = result.Peek(Store) is { } text && StoreAddress.Parse(text, out var uri) is null && uri is not null;
        var data = result.Peek(Data) is not null;
        if (data && redis)
        {
            yield return "--data keeps the lists in a journal on this machine; it does not go with --store redis://, where Redis keeps them.";
        }

        foreach (var journalOnly in new Option[] { Fsync, Repair }.Where(result.Given))
        {
            if (!data)
            {
                yield return $"{journalOnly.Name} is about the journal: it needs --data DIR.";
            }
        }

        if (result.Peek(ReusePort))
        {
            if (!redis)
            {
                yield return "--reuse-port would let several processes take clients on one port, but each would serve its own list: processes share no memory (the lab's ForkingTCPServer lesson), and a journal has one writer. Use it with --store redis://host:port.";
            }
            else if (result.Given(Unix))
            {
                yield return "--reuse-port shares a TCP or UDP port; a Unix socket has none.";
            }
        }

        if (result.Peek(ListKey) is "")
        {
            yield return "--list-key: expected a name, got ''.";
        }
    }

    private static string? PasswordError(ParseResult parse, string password)
    {
        var origin = PasswordSource.Origin(parse, RequirePass);
        if (PasswordSource.HasLineBreak(password))
        {
            return $"the password ({origin}) cannot contain line breaks: a client could not send it";
        }

        return parse.GetValue(Udp)
            ? $"a password ({origin}) cannot be used with --udp: each datagram is on its own, so there is no connection to authenticate (serve UDP without a password, or serve TCP)"
            : null;
    }

    private static string OpenToAllWarning(EndPoint endPoint, bool udp)
    {
        var remedy = udp ? $"UDP cannot authenticate: serve TCP with --requirepass or {PasswordSource.EnvironmentVariable}" : $"set --requirepass or {PasswordSource.EnvironmentVariable}";
        return $"warning: listening on {endPoint} without a password: anyone who can reach it can read and change the list ({remedy})";
    }

    private static string DescribeUnix(SocketException e, string path) => e.SocketErrorCode switch
    {
        // The library's own refusals (a live server on the path, a file that is not a socket) name the path and say why.
        _ when e.Message.Contains(path, StringComparison.Ordinal) => e.Message,
        SocketError.AddressNotAvailable => $"cannot listen on {path}: {UnixPath.NotFound}",
        SocketError.AccessDenied => $"cannot listen on {path}: permission denied (the directory is not writable)",
        _ => $"cannot listen on {path}: {e.Message}",
    };

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => "address already in use (is another server running on that port?)",
        SocketError.AddressNotAvailable => "address not available on this machine",
        SocketError.AccessDenied => "permission denied (ports below 1024 need privileges)",
        _ => e.Message,
    };
}
