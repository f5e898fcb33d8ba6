using System.CommandLine;
using System.CommandLine.Parsing;

namespace SharedList.Cli;

/// <summary>
/// Reads values inside a command's validators, which System.CommandLine runs before it checks the options
/// themselves: there, reading an option given no value or a bad one throws. Such an option reads as
/// <c>default</c> instead; its own error is already recorded and is the one reported.
/// </summary>
internal static class ValidatorReads
{
    /// <summary>The option's value; <c>default</c> when it was not given (defaults are applied later) or is unusable.</summary>
    public static T? Peek<T>(this CommandResult result, Option<T> option) =>
        Read(result.GetResult(option) is not null, () => result.GetValue(option));

    /// <inheritdoc cref="Peek{T}(CommandResult, Option{T})"/>
    public static T? Peek<T>(this CommandResult result, Argument<T> argument) =>
        Read(result.GetResult(argument) is not null, () => result.GetValue(argument));

    /// <summary>Whether the option was written on the command line (not just defaulted).</summary>
    public static bool Given(this CommandResult result, Option option) => result.GetResult(option) is { Implicit: false };

    private static T? Read<T>(bool given, Func<T?> read)
    {
        if (!given)
        {
            return default;
        }

        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }
}
