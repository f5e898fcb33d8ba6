using System.CommandLine;

namespace SharedList.Cli;

/// <summary>
/// Where <c>serve</c> and <c>connect</c> take the password from: the option when given (even empty), else
/// <c>SHAREDLIST_PASSWORD</c>. Empty means none. The variable keeps the password out of <c>ps</c> and
/// shell history, which an option does not.
/// </summary>
internal static class PasswordSource
{
    public const string EnvironmentVariable = "SHAREDLIST_PASSWORD";

    /// <summary>The password, or null for none.</summary>
    public static string? Resolve(ParseResult parse, Option<string> option)
    {
        var value = parse.GetResult(option) is null ? Environment.GetEnvironmentVariable(EnvironmentVariable) : parse.GetValue(option);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>How error messages name where the password came from: the option or the variable.</summary>
    public static string Origin(ParseResult parse, Option<string> option) => parse.GetResult(option) is null ? EnvironmentVariable : option.Name;

    /// <summary>Whether the password can be sent: a line break would end the <c>AUTH</c> message early.</summary>
    public static bool HasLineBreak(string password) => password.AsSpan().ContainsAny('\r', '\n');
}
