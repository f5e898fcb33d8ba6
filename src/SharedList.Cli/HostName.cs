using System.Net;
using System.Net.Sockets;

namespace SharedList.Cli;

/// <summary>Turns a <c>--host</c> value into an address: a literal (IPv4 or IPv6) or a name, IPv4 preferred as in the seed's <c>localhost</c>.</summary>
internal static class HostName
{
    public static IPAddress Resolve(string host)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return address;
        }

        var addresses = Dns.GetHostAddresses(host);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
    }
}
