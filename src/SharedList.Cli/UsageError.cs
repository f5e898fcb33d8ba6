using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace SharedList.Cli;

/// <summary>
/// A command line that cannot run, told in one <c>error:</c> line and a pointer to <c>--help</c>, exit 2.
/// Replaces System.CommandLine's report, which follows the error with the whole help text and so scrolls it
/// off the terminal.
/// </summary>
internal static class UsageError
{
    /// <summary>The exit code of a usage error, as for the shell's builtins and most Unix tools.</summary>
    public const int ExitCode = 2;

    /// <summary>What is wrong with the command line, in one line; null when it can run (or asks for help).</summary>
    public static string? Find(ParseResult parse, IReadOnlyList<string> args)
    {
        if (parse.Action is not ParseErrorAction && parse.Action != parse.CommandResult.Command.Action)
        {
            return null; // --help or --version: they run whatever else is wrong.
        }

        if (SwitchGivenAValue(parse.CommandResult.Command, args) is { } switchError)
        {
            return switchError;
        }

        if (parse.Action is not ParseErrorAction)
        {
            return null;
        }

        if (parse.UnmatchedTokens is [var token, ..])
        {
            return token.StartsWith('-') ? $"unknown option '{token}'" : $"unexpected argument '{token}'";
        }

        if (parse.CommandResult.Command is RootCommand root)
        {
            return $"a command is needed: {string.Join(", ", root.Subcommands.Select(c => c.Name))}";
        }

        // A bad value first, then what it was combined with: the command's own checks run before the values are.
        if (parse.CommandResult.Children.Select(ValueProblem).FirstOrDefault(p => p is not null) is { } problem)
        {
            return problem;
        }

        // Ours (parsers and validators) are sentences; the error line does not end with a full stop.
        return parse.Errors.Count == 0 ? "the command line cannot be parsed" : parse.Errors[0].Message.TrimEnd('.');
    }

    /// <summary>Prints <paramref name="message"/> and where to read the options; returns <see cref="ExitCode"/>.</summary>
    public static int Report(ParseResult parse, string message, TextWriter error)
    {
        var path = string.Join(' ', ["sharedlist", .. CommandPath(parse.CommandResult)]);
        error.WriteLine($"error: {message}");
        error.WriteLine($"Run '{path} --help' for the options.");
        return ExitCode;
    }

    private static string? ValueProblem(SymbolResult result)
    {
        if (result is OptionResult { Implicit: false, Option: var option, Tokens: var tokens })
        {
            if (tokens.Count < option.Arity.MinimumNumberOfValues)
            {
                return AcceptedValues.NeedsValue(option);
            }

            if (tokens.Count > option.Arity.MaximumNumberOfValues)
            {
                return $"{option.Name} takes one value, got {tokens.Count}: {string.Join(", ", tokens.Select(t => $"'{t.Value}'"))}";
            }
        }

        return AcceptedValues.Refusal(result) ?? result.Errors.FirstOrDefault()?.Message.TrimEnd('.');
    }

    // `--udp=yes`: the parser leaves a value it cannot read as a bool to the next argument (connect's HOST) or
    // reports it as unmatched, neither of which says what was meant.
    private static string? SwitchGivenAValue(Command command, IReadOnlyList<string> args)
    {
        foreach (var arg in args.TakeWhile(a => a != "--"))
        {
            if (arg.Split('=', 2) is [var name, var value]
                && command.Options.FirstOrDefault(o => o.ValueType == typeof(bool) && (o.Name == name || o.Aliases.Contains(name))) is { } option
                && !bool.TryParse(value, out _))
            {
                return $"{option.Name} is a switch and takes no value, got '{value}'";
            }
        }

        return null;
    }

    private static Stack<string> CommandPath(CommandResult? result)
    {
        var names = new Stack<string>();
        for (; result is { Command: not RootCommand }; result = result.Parent as CommandResult)
        {
            names.Push(result.Command.Name);
        }

        return names;
    }
}
