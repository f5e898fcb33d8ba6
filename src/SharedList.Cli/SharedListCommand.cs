using System.CommandLine;
using SharedList.Cli.Bench;

namespace SharedList.Cli;

/// <summary>The <c>sharedlist</c> command line: its three commands and their options.</summary>
internal static class SharedListCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("SharedList: one list shared by many clients, served by the concurrency model of your choice.")
        {
            ServeCommand.Create(),
            ConnectCommand.Create(),
            BenchCommand.Create(),
        };
        root.Options.OfType<VersionOption>().Single().Action = new PackageVersionAction();
        foreach (var command in root.Subcommands)
        {
            AcceptedValues.RefuseEmpty(command);
        }

        return root;
    }
}
