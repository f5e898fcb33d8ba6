using System.Security.Cryptography;
using SharedList.Tests.Support;
using SocketServer.Tls;

namespace SharedList.Tests.Tls;

/// <summary><see cref="ServerCertificate.Load"/>: every form the CLI takes, and one clear message for each way it can fail.</summary>
public sealed class ServerCertificateTests(TestCertificate certificate) : IClassFixture<TestCertificate>
{
    [Fact]
    public void Loads_PEM_with_the_key_in_the_same_file()
    {
        using var loaded = ServerCertificate.Load(certificate.CombinedPemPath);
        AssertSameWithKey(loaded);
    }

    [Fact]
    public void Loads_PEM_with_the_key_in_its_own_file()
    {
        using var loaded = ServerCertificate.Load(certificate.CertificatePemPath, certificate.KeyPemPath);
        AssertSameWithKey(loaded);
    }

    [Fact]
    public void Loads_a_password_protected_PFX()
    {
        using var loaded = ServerCertificate.Load(certificate.PfxPath, password: TestCertificate.PfxPassword);
        AssertSameWithKey(loaded);
    }

    [Fact]
    public void A_missing_file_says_so()
    {
        var path = Path.Combine(certificate.Directory, "nope.pem");
        var e = Assert.Throws<FileNotFoundException>(() => ServerCertificate.Load(path));
        Assert.Equal($"{path}: no such file", e.Message);
    }

    [Fact]
    public void A_PEM_certificate_without_its_key_says_the_key_is_missing()
    {
        var e = Assert.Throws<CryptographicException>(() => ServerCertificate.Load(certificate.CertificatePemPath));
        Assert.Contains("no private key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_PFX_password_names_the_file()
    {
        var e = Assert.Throws<CryptographicException>(() => ServerCertificate.Load(certificate.PfxPath, password: "wrong"));
        Assert.StartsWith(certificate.PfxPath, e.Message, StringComparison.Ordinal);
        Assert.Contains("password", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_no_certificate_names_the_file()
    {
        var path = Path.Combine(certificate.Directory, "junk.bin");
        File.WriteAllText(path, "not a certificate");
        var e = Assert.Throws<CryptographicException>(() => ServerCertificate.Load(path));
        Assert.StartsWith($"{path} is not PEM", e.Message, StringComparison.Ordinal);
    }

    private void AssertSameWithKey(System.Security.Cryptography.X509Certificates.X509Certificate2 loaded)
    {
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(certificate.PublicCertificate.Thumbprint, loaded.Thumbprint);

        // Usable by a server as is.
        _ = new ServerTlsOptions(loaded);
    }
}
