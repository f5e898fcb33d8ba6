using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace SharedList.Cli;

/// <summary>One place that sets up logs: single lines on stderr, so stdout carries only what scripts read.</summary>
internal static class Logging
{
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information)
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        })
        .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));
}
