using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WebSocketKit.EchoServer;

/// <summary>Loads --cert (and --key), saying plainly what is wrong with them.</summary>
internal static class Certificates
{
    public static X509Certificate2 Load(string certFile, string? keyFile)
    {
        if (!File.Exists(certFile)) throw new ArgumentException($"--cert: {certFile} does not exist");
        if (keyFile is not null && !File.Exists(keyFile)) throw new ArgumentException($"--key: {keyFile} does not exist");
        bool pem = File.ReadAllText(certFile).Contains("-----BEGIN ", StringComparison.Ordinal);
        X509Certificate2 loaded;
        try
        {
            if (!pem && keyFile is not null)
                throw new ArgumentException($"--key is for a PEM certificate; {certFile} is PKCS#12 (PFX), which carries its own key");
            loaded = pem
                ? X509Certificate2.CreateFromPemFile(certFile, keyFile)
                : X509CertificateLoader.LoadPkcs12FromFile(certFile, password: null);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException(pem
                ? $"--cert/--key: cannot read a certificate and its private key from {certFile}{(keyFile is null ? "" : " and " + keyFile)}: {e.Message}" +
                  (keyFile is null ? " (a PEM certificate without its key in the same file needs --key FILE)" : "")
                : $"--cert: {certFile} is neither PEM nor a PKCS#12 (PFX) file without a password: {e.Message}");
        }
        using (loaded)
        {
            if (!loaded.HasPrivateKey) throw new ArgumentException($"--cert: {certFile} holds no private key; give a PFX with its key, or a PEM with --key");
            // A PKCS#12 round trip gives a certificate whose key SslStream can use on every platform.
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), password: null);
        }
    }
}
