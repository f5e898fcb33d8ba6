using Microsoft.Extensions.Logging.Console;

namespace SharedList.Cli;

/// <summary>Options of <see cref="ServeConsoleFormatter"/>.</summary>
internal sealed class ServeConsoleFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>Show each line's category and event id.</summary>
    public bool Verbose { get; set; }
}
