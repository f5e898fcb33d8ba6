using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SharedList.Client;

namespace SharedList.Cli;

/// <summary><c>connect</c>'s TLS options: <c>--tls</c>, and how to trust the server: <c>--tls-trust</c> or <c>--tls-insecure</c>.</summary>
internal static class ConnectTlsOptions
{
    internal static readonly Option<bool> Tls = new("--tls") { Description = "Speak TLS. The server's certificate must be valid for HOST and trusted by the system, unless --tls-trust or --tls-insecure says otherwise." };

    private static readonly Option<string> Trust = new("--tls-trust")
    {
        Description = "Trust this certificate (PEM or DER) as the root: the server's own self-signed certificate, or the CA that issued it. Its names are still checked against HOST.",
        HelpName = "file",
    };

    private static readonly Option<bool> Insecure = new("--tls-insecure") { Description = "Accept any server certificate without checking it. For self-signed test certificates only." };

    /// <summary>Adds the options to <paramref name="connect"/>, refusing combinations that make no sense.</summary>
    public static void AddTo(Command connect, Option<bool> udp)
    {
        connect.Options.Add(Tls);
        connect.Options.Add(Trust);
        connect.Options.Add(Insecure);
        connect.Validators.Add(result =>
        {
            var trusts = result.GetResult(Trust) is not null;
            var insecure = result.Peek(Insecure);
            if (!result.Peek(Tls))
            {
                if (trusts || insecure)
                {
                    result.AddError($"{(trusts ? Trust.Name : Insecure.Name)} goes with --tls.");
                }

                return;
            }

            if (result.Peek(udp))
            {
                result.AddError("--tls does not work with --udp: TLS runs over TCP.");
            }

            if (trusts && insecure)
            {
                result.AddError("--tls-trust and --tls-insecure exclude each other: trust one certificate, or none.");
            }
        });
    }

    /// <summary>The TLS options for <paramref name="host"/> when <c>--tls</c> was given; on failure, <paramref name="error"/> says why in one line.</summary>
    public static bool TryLoad(ParseResult parse, string host, out ClientTlsOptions? tls, out string? error)
    {
        tls = null;
        error = null;
        if (!parse.GetValue(Tls))
        {
            return true;
        }

        X509Certificate2? trusted = null;
        if (parse.GetValue(Trust) is { } path)
        {
            if (!File.Exists(path))
            {
                // Checked first: the loader would report a missing file in OpenSSL's words.
                error = $"cannot load --tls-trust: {path}: no such file";
                return false;
            }

            try
            {
                // Takes PEM or DER; in a PEM file holding a key as well, the certificate is found among the blocks.
                trusted = X509CertificateLoader.LoadCertificateFromFile(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                error = $"cannot load --tls-trust: {path}: {e.Message}";
                return false;
            }
        }

        tls = new ClientTlsOptions { TargetHost = host.Trim('[', ']'), TrustedCertificate = trusted, SkipValidation = parse.GetValue(Insecure) };
        return true;
    }
}
