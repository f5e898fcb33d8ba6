using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using SharedList.Client;
using Framing = SharedList.Protocol.Framing;

namespace SharedList.Cli;

/// <summary>
/// <c>sharedlist connect</c>: the lab's client (exercises 2 and 7) on one persistent connection. With a terminal
/// it prompts; with stdin redirected it prints one reply per line, so it scripts.
/// </summary>
internal static class ConnectCommand
{
    private const string Prompt = "> ";

    private static readonly Argument<string> Host = new("host") { Description = "Server address or name.", DefaultValueFactory = _ => "127.0.0.1" };

    private static readonly Argument<int> Port = new("port") { Description = "Server port.", DefaultValueFactory = _ => 9999 };

    private static readonly Option<string> HostOption = new("--host") { Description = "Server address or name, as HOST (give one or the other).", HelpName = "host" };

    private static readonly Option<int> PortOption = new("--port", "-p") { Description = "Server port, as PORT (give one or the other).", HelpName = "port" };

    private static readonly Option<string> FramingOption = EnumOption.Create(
        "--framing",
        "line (the default server) or raw (the course's Python servers: no terminator, one receive per reply).",
        Framing.Line);

    private static readonly Option<bool> Udp = new("--udp") { Description = "Talk to a UDP server: one datagram per message." };

    private static readonly Option<string> Unix = new("--unix")
    {
        Description = "Connect to a server's Unix-domain socket at this path instead of HOST and PORT (not with --udp or --tls).",
        HelpName = "path",
    };

    private static readonly Option<double> TimeoutSeconds = new("--timeout") { Description = "Seconds to wait to connect (and finish the TLS handshake), and for each reply.", DefaultValueFactory = _ => 5 };

    private static readonly Option<string> Password = new("--password") { Description = $"Send 'AUTH <password>' right after connecting, for a server started with --requirepass (default: ${PasswordSource.EnvironmentVariable}; empty for none)." };

    public static Command Create()
    {
        var command = new Command("connect", "Talk to a shared-list server: each line you type is sent, each reply printed. EXIT or end of input quits.")
        {
            Host, Port, HostOption, PortOption, FramingOption, Udp, Unix, TimeoutSeconds, Password,
        };
        command.Validators.Add(result =>
        {
            OnlyOnce(result, Host, HostOption, "give the host once (with --host, give the port as --port)");
            OnlyOnce(result, Port, PortOption, "give the port once");
            if (result.Peek(Unix) is null)
            {
                return;
            }

            if (result.GetResult(Host) is { Implicit: false } || result.Given(HostOption) || result.Given(PortOption))
            {
                result.AddError("--unix connects to a Unix socket instead of HOST and PORT: give one or the other.");
            }

            if (result.Peek(Udp))
            {
                result.AddError("--udp does not work with --unix: a Unix socket is served as a stream.");
            }

            if (result.Peek(ConnectTlsOptions.Tls))
            {
                result.AddError("--tls does not work with --unix: TLS is served over TCP only.");
            }
        });
        ConnectTlsOptions.AddTo(command, Udp);
        AcceptedValues.AcceptEmpty(Password);
        Port.AcceptWhole(1, 65535);
        PortOption.AcceptWhole(1, 65535);
        TimeoutSeconds.AcceptSeconds(0.001, 3600);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var host = parse.GetResult(HostOption) is null ? parse.GetValue(Host)! : parse.GetValue(HostOption)!;
        var port = parse.GetResult(PortOption) is null ? parse.GetValue(Port) : parse.GetValue(PortOption);
        var unix = parse.GetValue(Unix);
        var target = unix ?? $"{host}:{port}";
        var password = PasswordSource.Resolve(parse, Password);
        if (password is not null && PasswordError(parse, password) is { } passwordError)
        {
            return Fail(passwordError);
        }

        if (!ConnectTlsOptions.TryLoad(parse, host, out var tls, out var tlsError))
        {
            return Fail(tlsError!);
        }

        using var trusted = tls?.TrustedCertificate;
        ListClient client;
        try
        {
            EndPoint server = unix is not null ? new UnixDomainSocketEndPoint(unix) : new IPEndPoint(HostName.Resolve(host), port);
            client = await ListClient.ConnectAsync(server, parse.GetValue<Framing>(FramingOption), parse.GetValue(Udp), TimeSpan.FromSeconds(parse.GetValue(TimeoutSeconds)), tls, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException e)
        {
            return Fail($"TLS handshake failed: {e.Message}");
        }
        catch (SocketException e)
        {
            return Fail($"cannot connect to {target}: {(unix is not null && e.SocketErrorCode == SocketError.AddressNotAvailable ? "no such socket (is the server running?)" : Describe(e))}");
        }
        catch (ArgumentException e) when (unix is not null)
        {
            return Fail($"--unix {unix}: {UnixPath.DescribeInvalid(e)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail($"cannot connect to {target}: timed out");
        }

        using (client)
        {
            if (password is not null)
            {
                try
                {
                    client.Authenticate(password);
                }
                catch (AuthenticationException e)
                {
                    return Fail($"authentication failed: {e.Message}");
                }
                catch (Exception e) when (e is SocketException or EndOfStreamException or TimeoutException)
                {
                    return Fail(e switch
                    {
                        SocketException s => $"connection lost: {Describe(s)}",
                        TimeoutException => NoReply(e, parse),
                        _ => e.Message,
                    });
                }
            }

            var interactive = !Console.IsInputRedirected;
            while (true)
            {
                if (interactive)
                {
                    Console.Write(Prompt);
                }

                var line = Console.ReadLine();
                if (line is null || line == "EXIT")
                {
                    return 0;
                }

                if (line.Length == 0)
                {
                    continue;
                }

                try
                {
                    Console.WriteLine(client.Request(line));
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                {
                    // UDP learns that nothing listens only when its first datagram draws an ICMP port unreachable:
                    // the same news as a refused TCP connect, so the same message (there was no connection to lose).
                    return Fail($"cannot connect to {target}: {Describe(e)}");
                }
                catch (Exception e) when (e is SocketException or IOException or TimeoutException)
                {
                    // IOException: EndOfStreamException (the server closed), or a TLS stream broken by the server.
                    return Fail(e switch
                    {
                        SocketException s => $"connection lost: {Describe(s)}",
                        TimeoutException => NoReply(e, parse),
                        EndOfStreamException => e.Message,
                        _ => $"connection lost: {e.Message}",
                    });
                }
            }
        }
    }

    // HOST and --host (PORT and --port) say the same thing: either will do, both only when they agree.
    private static void OnlyOnce<T>(CommandResult result, Argument<T> argument, Option<T> option, string remedy)
    {
        if (result.GetResult(argument) is { Implicit: false } && result.Given(option)
            && result.Peek(argument) is { } positional && result.Peek(option) is { } named
            && !EqualityComparer<T>.Default.Equals(positional, named))
        {
            result.AddError($"{argument.Name.ToUpperInvariant()} is '{positional}' but {option.Name} is '{named}': {remedy}.");
        }
    }

    private static string? PasswordError(ParseResult parse, string password)
    {
        var origin = PasswordSource.Origin(parse, Password);
        if (PasswordSource.HasLineBreak(password))
        {
            return $"the password ({origin}) cannot contain line breaks";
        }

        return parse.GetValue(Udp)
            ? $"a password ({origin}) cannot be used with --udp: a UDP server has no connection to authenticate"
            : null;
    }

    // A line-framed request to a raw server is answered with no newline (the course's Servidor.py, serve
    // --framing raw), so the wait for the end of the reply is what times out: say what probably happened.
    private static string NoReply(Exception e, ParseResult parse) =>
        parse.GetValue<Framing>(FramingOption) == Framing.Line && !parse.GetValue(Udp)
            ? $"{e.Message}: is the server using --framing raw (as the course's Python servers do)? Try connect --framing raw"
            : e.Message;

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (is the server running?)",
        SocketError.ConnectionReset => "connection reset by the server",
        SocketError.HostNotFound => "unknown host",
        _ => e.Message,
    };
}
