using System.Security.Cryptography.X509Certificates;

namespace SharedList.Client;

/// <summary>How <see cref="ListClient"/> speaks TLS and decides whether to trust the server.</summary>
/// <remarks>
/// With neither <see cref="TrustedCertificate"/> nor <see cref="SkipValidation"/>, the server's certificate is
/// validated as any TLS client does: a chain to a root the system trusts, and <see cref="TargetHost"/> among its names.
/// The options do not own <see cref="TrustedCertificate"/>.
/// </remarks>
public sealed record ClientTlsOptions
{
    /// <summary>The server's name as the client knows it: sent as SNI and matched against the certificate's names (an IP address matches an IP SAN).</summary>
    public required string TargetHost { get; init; }

    /// <summary>
    /// Trust this certificate as the root instead of the system's roots: the server's own self-signed
    /// certificate (pinning it) or the private CA that issued it. Names are still checked.
    /// </summary>
    public X509Certificate2? TrustedCertificate { get; init; }

    /// <summary>Accept any certificate, under any name. For self-signed test certificates only: anyone on the path can impersonate the server.</summary>
    public bool SkipValidation { get; init; }
}
