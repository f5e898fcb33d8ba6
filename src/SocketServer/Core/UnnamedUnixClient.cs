using System.Net;
using System.Net.Sockets;

namespace SocketServer.Core;

/// <summary>
/// The address of a Unix-socket client that bound no path (most clients), which .NET renders as an empty string:
/// this one reads "unix client" in logs. A reply cannot be sent to it, as to CPython's <c>''</c>.
/// </summary>
internal sealed class UnnamedUnixClient : EndPoint
{
    private const int UnixAddressHeaderBytes = 2;

    private UnnamedUnixClient()
    {
    }

    public static UnnamedUnixClient Instance { get; } = new();

    /// <summary>The client's address for logs and sessions: <see cref="Instance"/> when it has none.</summary>
    public static EndPoint Of(EndPoint address) => address is UnixDomainSocketEndPoint && address.ToString()!.Length == 0 ? Instance : address;

    public override AddressFamily AddressFamily => AddressFamily.Unix;

    // An address with no path: sending to it fails with EINVAL, as it does for the unnamed address .NET gives.
    public override SocketAddress Serialize() => new(AddressFamily.Unix, UnixAddressHeaderBytes);

    public override string ToString() => "unix client";
}
