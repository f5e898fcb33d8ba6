using System.CommandLine;
using SharedList.Cli;

var parse = SharedListCommand.Create().Parse(args);
if (UsageError.Find(parse, args) is { } usageError)
{
    return UsageError.Report(parse, usageError, Console.Error);
}

// serve handles SIGINT/SIGTERM itself (drain, then exit 0); the parser must not end the process first.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
