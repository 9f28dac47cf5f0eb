// Validates XML files against one XML Schema with the JDK's own validator
// (javax.xml.validation, Xerces inside the JDK): no dependency to install.
//
//   java tests/standards/ValidateXml.java SCHEMA.xsd FILE.xml...
//
// Prints `ok FILE` or `invalid FILE:LINE:COLUMN: MESSAGE` per problem, one a line, and exits
// 1 when any file is invalid or unreadable. Nothing is fetched from the network: external
// DTDs and schemas are refused, so the vendored schema is the only one that counts.

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

public class ValidateXml {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java ValidateXml.java SCHEMA.xsd FILE.xml...");
            System.exit(2);
        }
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        Schema schema = factory.newSchema(new File(args[0]));
        boolean failed = false;
        for (int i = 1; i < args.length; i++) {
            String name = args[i];
            List<String> problems = new ArrayList<>();
            Validator validator = schema.newValidator();
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.setErrorHandler(new ErrorHandler() {
                private void add(SAXParseException e) {
                    problems.add(name + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage());
                }

                public void warning(SAXParseException e) {
                    add(e);
                }

                public void error(SAXParseException e) {
                    add(e);
                }

                public void fatalError(SAXParseException e) {
                    add(e);
                }
            });
            try {
                validator.validate(new StreamSource(new File(name)));
            } catch (SAXParseException e) {
                // Already reported through the handler (a fatal error stops the parse).
            } catch (Exception e) {
                problems.add(name + ": " + e);
            }
            if (problems.isEmpty()) {
                System.out.println("ok " + name);
            } else {
                failed = true;
                for (String p : problems) {
                    System.out.println("invalid " + p);
                }
            }
        }
        System.exit(failed ? 1 : 0);
    }
}
