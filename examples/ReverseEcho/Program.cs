using System.Net;
using ReverseEcho;
using SocketServer;

// The slides' reverse-echo server: `dotnet run -- [PORT]` (default 9999; 0 picks a free port).
var port = args.Length > 0 ? int.Parse(args[0]) : 9999;
using var server = new ThreadingTcpServer(new IPEndPoint(IPAddress.Loopback, port), () => new ReverseHandler());
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // let ServeForever return, then end the clients still connected
    server.Shutdown();
};
Console.WriteLine($"listening on {server.ServerAddress}");
server.ServeForever();

// `using` alone would wait for every connected client to leave, as Python's `with` does.
server.Abort();
