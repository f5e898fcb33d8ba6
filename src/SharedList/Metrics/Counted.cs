namespace SharedList.Metrics;

/// <summary>What a session counts: the requests by command, then the errors by kind. The values index <see cref="ServiceCounters"/>.</summary>
internal enum Counted
{
    Append,
    List,
    Clear,
    Auth,
    MessageTooLong,
    InvalidUtf8,
    NotAuthenticated,
    WrongPassword,
    ListFull,
    StoreUnavailable,
}
