using Microsoft.Extensions.Logging;

namespace SharedList.Cli;

/// <summary>One place that sets up logs: single lines on stderr, so stdout carries only what scripts read.</summary>
internal static class Logging
{
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information)
        .AddConsole(options =>
        {
            options.FormatterName = ServeConsoleFormatter.FormatterName;
            options.LogToStandardErrorThreshold = LogLevel.Trace;
        })
        .AddConsoleFormatter<ServeConsoleFormatter, ServeConsoleFormatterOptions>(options => options.Verbose = verbose));
}
