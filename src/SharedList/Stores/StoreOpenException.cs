namespace SharedList.Stores;

/// <summary>A store that cannot be opened as asked: a damaged journal, an address that is not a store's. The message is one line for the operator, saying what to do.</summary>
public class StoreOpenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreOpenException()
    {
    }

    /// <summary>Creates the exception with its one-line message.</summary>
    public StoreOpenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line message and cause.</summary>
    public StoreOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
