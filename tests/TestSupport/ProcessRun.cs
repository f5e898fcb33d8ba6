namespace TestSupport;

/// <summary>How a child process run to the end went: its exit code, its stdout lines and its stderr.</summary>
public sealed record ProcessRun(int ExitCode, IReadOnlyList<string> Output, string Error);
