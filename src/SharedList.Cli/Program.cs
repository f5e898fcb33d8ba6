using System.CommandLine;
using SharedList.Cli;
using SharedList.Cli.Bench;

var root = new RootCommand("SharedList: one list shared by many clients, served by the concurrency model of your choice.")
{
    ServeCommand.Create(),
    ConnectCommand.Create(),
    BenchCommand.Create(),
};

// serve handles SIGINT/SIGTERM itself (drain, then exit 0); the parser must not end the process first.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
