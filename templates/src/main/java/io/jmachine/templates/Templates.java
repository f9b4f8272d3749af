package io.jmachine.templates;

import freemarker.template.Configuration;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/** Renders the templates shipped in this module's resources. Thread-safe. */
public final class Templates {

    // made on first use: Freemarker loads some 170 classes, which the quick CLI verbs (ls, env) never need
    private Configuration configuration;

    private synchronized Configuration configuration() {
        if (configuration == null) {
            configuration = newConfiguration();
        }
        return configuration;
    }

    private static Configuration newConfiguration() {
        Configuration configuration = new Configuration(Configuration.VERSION_2_3_34);
        configuration.setClassForTemplateLoading(Templates.class, "/io/jmachine/templates");
        configuration.setDefaultEncoding("UTF-8");
        // a missing model value is a bug in the caller: fail loudly instead of rendering a half-empty file
        configuration.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        configuration.setLogTemplateExceptions(false);
        configuration.setWrapUncheckedExceptions(true);
        configuration.setFallbackOnNullLoopVariable(false);
        return configuration;
    }

    public String render(TemplateName name, Map<String, ?> model) {
        try {
            StringWriter out = new StringWriter();
            configuration().getTemplate(name.resource()).process(model, out);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + name.resource(), e);
        } catch (TemplateException e) {
            throw new IllegalArgumentException("cannot render template " + name.resource() + ": " + e.getMessageWithoutStackTop(), e);
        }
    }
}
