using System.Net;
using ReverseEcho;
using SocketServer;

// The slides' reverse-echo server: `dotnet run -- [PORT]` (default 9999; 0 picks a free port).
var port = args.Length > 0 ? int.Parse(args[0]) : 9999;
using var server = new ThreadingTcpServer(new IPEndPoint(IPAddress.Loopback, port), () => new ReverseHandler());
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // let ServeForever return, so `using` closes the server and its clients
    server.Shutdown();
};
Console.WriteLine($"listening on {server.ServerAddress}");
server.ServeForever();
