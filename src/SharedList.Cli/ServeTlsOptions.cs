using System.CommandLine;
using System.Security.Cryptography;
using SocketServer;
using SocketServer.Tls;

namespace SharedList.Cli;

/// <summary><c>serve</c>'s TLS options: <c>--tls-cert</c> (PEM or PFX), <c>--tls-key</c>, <c>--tls-cert-password</c>.</summary>
internal static class ServeTlsOptions
{
    private static readonly Option<string> Certificate = new("--tls-cert")
    {
        Description = "Serve TLS with this certificate: PEM (certificate and private key in one file, or the key in --tls-key) or PKCS#12/PFX. Models sequential, threading, pool and async.",
        HelpName = "file",
    };

    private static readonly Option<string> Key = new("--tls-key") { Description = "The private key of a PEM --tls-cert, when it is in a file of its own.", HelpName = "file" };

    private static readonly Option<string> Password = new("--tls-cert-password") { Description = "Password of a PFX --tls-cert, or of an encrypted PEM key.", HelpName = "password" };

    /// <summary>Adds the options to <paramref name="serve"/>, refusing them with a model or transport that has no TLS.</summary>
    public static void AddTo(Command serve, Option<string> model, ServerModel defaultModel, Option<bool> udp)
    {
        serve.Options.Add(Certificate);
        serve.Options.Add(Key);
        serve.Options.Add(Password);
        serve.Validators.Add(result =>
        {
            if (result.Peek(Certificate) is null)
            {
                foreach (var needsCertificate in new[] { Key, Password }.Where(o => result.GetResult(o) is not null))
                {
                    result.AddError($"{needsCertificate.Name} goes with --tls-cert.");
                }

                return;
            }

            if (result.Peek(udp))
            {
                result.AddError("--tls-cert does not work with --udp: TLS runs over TCP.");
            }
            else if (ModelOption.GetValueOrDefault(result, model, defaultModel) is var chosen && !chosen.SupportsTls())
            {
                var name = chosen.Name();
                result.AddError($"--tls-cert does not work with --model {name}: the {name} loop does non-blocking socket I/O, and .NET has no non-blocking TLS. Use async, threading, pool or sequential.");
            }
        });
    }

    /// <summary>Loads the certificate when <c>--tls-cert</c> was given; on failure, <paramref name="error"/> says why in one line.</summary>
    public static bool TryLoad(ParseResult parse, out ServerTlsOptions? tls, out string? error)
    {
        tls = null;
        error = null;
        if (parse.GetValue(Certificate) is not { } path)
        {
            return true;
        }

        try
        {
            tls = new ServerTlsOptions(ServerCertificate.Load(path, parse.GetValue(Key), parse.GetValue(Password)));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            error = $"cannot load --tls-cert: {e.Message}";
            return false;
        }
    }
}
