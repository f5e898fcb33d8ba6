using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace SharedList.Cli;

/// <summary>
/// One line per event: <c>12:00:01.234 info: Client 127.0.0.1:5000 connected (connection 1)</c>. The category and
/// event id (<c>SharedList.Server[1]</c>) follow the level only with <c>--verbose</c>: they help whoever reads the
/// code, and are noise to whoever runs the server.
/// </summary>
internal sealed class ServeConsoleFormatter : ConsoleFormatter
{
    public const string FormatterName = "serve";

    private readonly bool _verbose;

    public ServeConsoleFormatter(IOptions<ServeConsoleFormatterOptions> options)
        : base(FormatterName)
    {
        _verbose = options.Value.Verbose;
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write(DateTime.Now.ToString("HH:mm:ss.fff ", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        if (_verbose)
        {
            textWriter.Write($"{logEntry.Category}[{logEntry.EventId.Id}] ");
        }

        textWriter.Write(OneLine(message));
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(' ');
            textWriter.Write(OneLine(exception.ToString()));
        }

        textWriter.Write(Environment.NewLine);
    }

    // A client's bytes may end up in a message (a request, with --verbose): they must not forge a log line.
    private static string OneLine(string? text) => (text ?? string.Empty).ReplaceLineEndings(" ");

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
