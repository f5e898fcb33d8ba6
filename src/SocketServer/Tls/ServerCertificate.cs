using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SocketServer.Tls;

/// <summary>Loads a server certificate with its private key from the files people actually have: PEM or PKCS#12.</summary>
public static class ServerCertificate
{
    /// <summary>
    /// Loads <paramref name="certificatePath"/>: PEM (the certificate and its private key in one file, or the
    /// key in <paramref name="keyPath"/>; an encrypted key needs <paramref name="password"/>) or PKCS#12 / PFX
    /// (optionally protected by <paramref name="password"/>). The format is told from the contents, not the name.
    /// </summary>
    /// <returns>A certificate with its private key, owned by the caller.</returns>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="IOException">A path is a directory, or a file cannot be read.</exception>
    /// <exception cref="CryptographicException">A file cannot be read as a certificate or key, or there is no private key;
    /// the message says which file and why, in one line.</exception>
    public static X509Certificate2 Load(string certificatePath, string? keyPath = null, string? password = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatePath);
        var contents = ReadAll(certificatePath);
        using var loaded = IsPem(contents)
            ? LoadPem(certificatePath, keyPath ?? certificatePath, password)
            : LoadPkcs12(certificatePath, contents, keyPath, password);

        // A key read from PEM is ephemeral (never stored by the OS). OpenSSL (Linux) serves TLS with it as is,
        // but Windows' SChannel cannot use an ephemeral key; a round trip through PKCS#12 gives one every
        // platform serves with, so the server behaves the same everywhere.
        return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), password: null);
    }

    private static X509Certificate2 LoadPem(string certificatePath, string keyPath, string? password)
    {
        var key = keyPath == certificatePath ? null : ReadAll(keyPath);
        if (!Encoding.ASCII.GetString(key ?? ReadAll(certificatePath)).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new CryptographicException(keyPath == certificatePath
                ? $"{certificatePath} holds no private key (give the key file as well)"
                : $"{keyPath} holds no private key");
        }

        try
        {
            return string.IsNullOrEmpty(password)
                ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException($"cannot use {certificatePath}{(keyPath == certificatePath ? string.Empty : $" with the key {keyPath}")}: {e.Message}", e);
        }
    }

    private static X509Certificate2 LoadPkcs12(string certificatePath, byte[] contents, string? keyPath, string? password)
    {
        if (keyPath is not null)
        {
            throw new CryptographicException($"{certificatePath} is not PEM; a separate key file goes only with a PEM certificate");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12(contents, password);
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException($"{certificatePath} is not PEM, and cannot be read as PKCS#12 (PFX): {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CryptographicException($"{certificatePath} holds no private key");
        }

        return certificate;
    }

    private static bool IsPem(byte[] contents) => Encoding.ASCII.GetString(contents).Contains("-----BEGIN ", StringComparison.Ordinal);

    private static byte[] ReadAll(string path)
    {
        // Reading a directory fails with "Access to the path is denied", which sends people to check permissions.
        if (Directory.Exists(path))
        {
            throw new IOException($"{path} is a directory: give the certificate file itself (PEM or PKCS#12/PFX)");
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"{path}: no such file", path, e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new FileNotFoundException($"{path}: no such file", path, e);
        }
    }
}
