using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using SharedList.Cli;

namespace SharedList.Tests.EndToEnd;

/// <summary>
/// Every option and argument of every command, given a value it cannot take, as a real <c>sharedlist</c>
/// process: one <c>error:</c> line that names it and says what it takes, a pointer to <c>--help</c>, exit 2.
/// The options are read from the command tree itself, so a new one is tried without being listed here.
/// </summary>
public sealed class UsageErrorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // The CLI's options are static: one tree per test process, as in the program.
    private static readonly RootCommand Root = SharedListCommand.Create();

    [Fact]
    public void Every_number_option_and_argument_says_what_it_accepts()
    {
        var unsaid = Symbols()
            .Where(s => s.Symbol is Option or Argument && ValueType(s.Symbol) is var type && (type == typeof(int) || type == typeof(double)))
            .Where(s => AcceptedValues.RangeOf(s.Symbol) is null)
            .Select(s => $"{s.Command.Name} {s.Symbol.Name}");
        Assert.Empty(unsaid);
    }

    [Fact]
    public async Task Every_option_given_a_value_of_the_wrong_type_or_out_of_range_prints_one_error_line_and_exits_2()
    {
        var cases = BadCommandLines().ToList();
        Assert.Contains(cases, c => c.Arguments is ["serve", "--port", "abc"]);
        Assert.Contains(cases, c => c.Arguments is ["connect", "127.0.0.1", "abc"]);
        Assert.Contains(cases, c => c.Arguments is ["bench", "--duration", "abc"]);

        // Bounded: each is a process start, and other tests run meanwhile.
        using var slots = new SemaphoreSlim(Math.Max(2, Environment.ProcessorCount));
        var failures = await Task.WhenAll(cases.Select(async c =>
        {
            await slots.WaitAsync();
            try
            {
                return await FailureAsync(c);
            }
            finally
            {
                slots.Release();
            }
        }));

        Assert.True(failures.All(f => f is null), string.Join("\n\n", failures.OfType<string>()));
    }

    [Theory]
    [InlineData("error: --model: expected one of sequential, threading, pool, select, async, epoll, got 'forking'", "serve", "--model", "forking")]
    [InlineData("error: --port: expected a whole number from 0 to 65535, got '70000'", "serve", "--port", "70000")]
    [InlineData("error: --max-message: expected a whole number of bytes, 1 or more, got '1k'", "serve", "--max-message", "1k")]
    [InlineData("error: --udp works with --model sequential or threading (UdpServer, ThreadingUdpServer)", "serve", "--udp", "--model", "select")]
    [InlineData("error: unknown option '--no-such-option'", "serve", "--no-such-option")]
    [InlineData("error: --tls-cert needs a value: a file", "serve", "--tls-cert", "")]
    [InlineData("error: unexpected argument 'extra'", "connect", "127.0.0.1", "9999", "extra")]
    [InlineData("error: HOST cannot be empty", "connect", "")]
    [InlineData("error: a command is needed: serve, connect, bench")]
    [InlineData("error: --store: expected memory or redis://[user:password@]host:port[/db] (rediss:// for TLS), got 'mysql://h'", "serve", "--store", "mysql://h")]
    [InlineData("error: --fsync is about the journal: it needs --data DIR", "serve", "--fsync", "always")]
    [InlineData("error: --fsync: expected one of always, everysec, no, got 'sometimes'", "serve", "--data", "d", "--fsync", "sometimes")]
    [InlineData("error: --data keeps the lists in a journal on this machine; it does not go with --store redis://, where Redis keeps them", "serve", "--data", "d", "--store", "redis://127.0.0.1:6379")]
    [InlineData("error: --reuse-port would let several processes take clients on one port, but each would serve its own list: processes share no memory (the lab's ForkingTCPServer lesson), and a journal has one writer. Use it with --store redis://host:port", "serve", "--reuse-port")]
    [InlineData("error: --list-key: expected a name, got ''", "serve", "--list-key", "")]
    [InlineData("error: --no-io-uring is about the epoll model's system calls: it needs --model epoll", "serve", "--no-io-uring", "--model", "async")]
    [InlineData("error: --coalesce-us is about the select and epoll models' loop: it needs --model select or epoll", "serve", "--coalesce-us", "20", "--model", "async")]
    [InlineData("error: --coalesce-us: expected a whole number of microseconds from 0 to 1000, got '1001'", "serve", "--coalesce-us", "1001")]
    public async Task A_usage_error_is_one_line_and_a_pointer_to_help_without_the_help_itself(string error, params string[] arguments)
    {
        await using var process = CliProcess.Start(arguments);
        var run = await process.RunToEndAsync(string.Empty, Timeout);

        var help = arguments is [var command, ..] ? $"sharedlist {command} --help" : "sharedlist --help";
        Assert.Equal($"{error}\nRun '{help}' for the options.", run.Error);
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Help_still_works_beside_a_bad_value()
    {
        await using var process = CliProcess.Start("serve", "--port", "abc", "--help");
        var run = await process.RunToEndAsync(string.Empty, Timeout);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.Output, line => line.Contains("--port", StringComparison.Ordinal));
    }

    // What each option or argument cannot take, from the command tree: a bad number, one just out of range,
    // a name not among its names, no value at all, a value given to a switch.
    private static IEnumerable<UsageCase> BadCommandLines()
    {
        foreach (var (command, symbol) in Symbols())
        {
            var says = AcceptedValues.Describe(symbol);
            IEnumerable<string> values = AcceptedValues.RangeOf(symbol) is { } range
                ? ["abc", .. OutOfRange(range)]
                : symbol is Option<string> && RefusedInProcess(command, symbol.Name, "nonsense") ? ["nonsense"] : [];
            if (symbol is Argument argument)
            {
                // The arguments before it take their defaults.
                var before = command.Arguments.TakeWhile(a => a != argument).Select(a => Convert.ToString(a.GetDefaultValue(), CultureInfo.InvariantCulture)!).ToArray();
                var empty = argument.ValueType == typeof(string) ? [string.Empty] : Array.Empty<string>();
                foreach (var value in values.Concat(empty))
                {
                    yield return new UsageCase([command.Name, .. before, value], argument.Name.ToUpperInvariant(), value.Length == 0 ? "cannot be empty" : says);
                }

                continue;
            }

            if (ValueType(symbol) == typeof(bool))
            {
                yield return new UsageCase([command.Name, $"{symbol.Name}=maybe"], symbol.Name, "takes no value");
                continue;
            }

            foreach (var value in values)
            {
                yield return new UsageCase([command.Name, symbol.Name, value], symbol.Name, says);
            }

            if (AcceptedValues.RangeOf(symbol) is null)
            {
                // Numbers take the same path as their bad values; names and paths show what a missing one says.
                yield return new UsageCase([command.Name, symbol.Name], symbol.Name, "needs a value");
            }
        }
    }

    // Whether the parser refuses the value without running anything: a name or a path would be used as one.
    private static bool RefusedInProcess(Command command, string option, string value) =>
        Root.Parse([command.Name, option, value]).Errors.Count > 0;

    private static IEnumerable<string> OutOfRange(AcceptedValues.NumberRange range)
    {
        yield return (range.Min - 1).ToString(CultureInfo.InvariantCulture);
        if (!range.Whole || range.Max < int.MaxValue)
        {
            yield return (range.Max + 1).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static IEnumerable<(Command Command, Symbol Symbol)> Symbols() =>
        Root.Subcommands.SelectMany(command => command.Arguments.Cast<Symbol>()
            .Concat(command.Options.Where(o => o is not HelpOption))
            .Select(symbol => (command, symbol)));

    private static Type ValueType(Symbol symbol) => symbol switch
    {
        Option option => option.ValueType,
        Argument argument => argument.ValueType,
        _ => typeof(void),
    };

    /// <summary>What is wrong with how <c>sharedlist</c> took <paramref name="usage"/>; null when it took it as it should.</summary>
    private static async Task<string?> FailureAsync(UsageCase usage)
    {
        await using var process = CliProcess.Start(usage.Arguments);
        var run = await process.RunToEndAsync(string.Empty, Timeout);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var pointer = $"Run 'sharedlist {usage.Arguments[0]} --help' for the options.";
        var ok = run.ExitCode == 2
            && run.Output.Count == 0
            && lines is [var error, ..] && error.StartsWith("error: ", StringComparison.Ordinal)
            && error.Contains(usage.Names, StringComparison.Ordinal)
            && (usage.Says is null || error.Contains(usage.Says, StringComparison.Ordinal))
            && (lines.Length == 1 || (lines.Length == 2 && lines[1] == pointer));
        return ok ? null : $"`sharedlist {string.Join(' ', usage.Arguments)}` exited {run.ExitCode} with stderr:\n{run.Error}\nstdout: {string.Join('\n', run.Output)}";
    }

    /// <summary>A command line that must be refused: the symbol the error names, and what it must say.</summary>
    private sealed record UsageCase(string[] Arguments, string Names, string? Says);
}
