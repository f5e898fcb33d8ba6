namespace SharedList.Tests.Support;

/// <summary>Linux signal numbers used by the lifecycle tests.</summary>
internal static class Signals
{
    public const int Interrupt = 2;
    public const int Terminate = 15;
}
