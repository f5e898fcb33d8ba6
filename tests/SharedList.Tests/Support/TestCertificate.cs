using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SharedList.Tests.Support;

/// <summary>
/// A self-signed certificate for localhost and 127.0.0.1, made at run time (ECDSA P-256, valid for a day) and
/// written to a temporary directory in every form the CLI takes; the directory is deleted on dispose.
/// Shared by a test class as its fixture.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    public const string PfxPassword = "test-password";

    public TestCertificate()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("sharedlist-tls-").FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));

        // Backdated a little: a clock a few seconds behind must not make it "not yet valid".
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePem = made.ExportCertificatePem();
        var keyPem = key.ExportPkcs8PrivateKeyPem();

        CertificatePemPath = Write("cert.pem", certificatePem);
        KeyPemPath = Write("key.pem", keyPem);
        CombinedPemPath = Write("cert-and-key.pem", certificatePem + "\n" + keyPem);
        PfxPath = Path.Combine(Directory, "cert.pfx");
        File.WriteAllBytes(PfxPath, made.Export(X509ContentType.Pkcs12, PfxPassword));

        Certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), password: null);
        PublicCertificate = X509CertificateLoader.LoadCertificate(made.RawData);
    }

    public string Directory { get; }

    /// <summary>The certificate alone (PEM): what a client trusts.</summary>
    public string CertificatePemPath { get; }

    /// <summary>The private key alone (PKCS#8 PEM).</summary>
    public string KeyPemPath { get; }

    /// <summary>Certificate and key in one PEM file.</summary>
    public string CombinedPemPath { get; }

    /// <summary>PKCS#12 protected by <see cref="PfxPassword"/>.</summary>
    public string PfxPath { get; }

    /// <summary>With its private key: what a server presents.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Without its key: what a client trusts.</summary>
    public X509Certificate2 PublicCertificate { get; }

    public void Dispose()
    {
        Certificate.Dispose();
        PublicCertificate.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private string Write(string name, string contents)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, contents);
        return path;
    }
}
