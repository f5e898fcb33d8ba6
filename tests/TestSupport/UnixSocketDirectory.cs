using System.Net.Sockets;

namespace TestSupport;

/// <summary>A fresh temporary directory for a test's Unix socket files, deleted with everything in it on dispose.</summary>
public sealed class UnixSocketDirectory : IDisposable
{
    // A short name: a socket's path has at most 108 bytes.
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("ss-");

    /// <summary>The full path of <paramref name="name"/> in the directory.</summary>
    public string PathOf(string name) => Path.Combine(_directory.FullName, name);

    /// <summary>The address of a socket file named <paramref name="name"/> in the directory.</summary>
    public UnixDomainSocketEndPoint EndPoint(string name = "server.sock") => new(PathOf(name));

    public void Dispose() => _directory.Delete(recursive: true);
}
